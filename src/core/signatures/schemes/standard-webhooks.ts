import * as z from "zod";
import { concatBytes, toBase64, utf8 } from "../encoding.js";
import { fix, secretList, secretText, tolerance } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { cannotSign, firstSecret, hmacBytes, type SignedRequest, type SignInput } from "../sign-support.js";
import { createStandardWebhooksVerifier } from "../standard-webhooks.js";
import { importEd25519Private, parseStandardWebhooksSecret } from "../standard-webhooks-secret.js";

/** A `whsec_…` HMAC secret, `whpk_…` Ed25519 public key or `whsk_…` private key, checked at start-up. */
export const standardWebhooksSecret = secretText.superRefine((value, ctx) => {
  const parsed = parseStandardWebhooksSecret(value);
  if ("error" in parsed) {
    ctx.addIssue({
      code: "custom",
      message: parsed.error,
      params: fix(
        'use the endpoint secret exactly as shown by the sender, e.g. "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"',
      ),
    });
  }
});

export const StandardWebhooksSchema = z.strictObject({
  scheme: z.literal("standard-webhooks"),
  /** `whsec_…` HMAC secrets and/or `whpk_…` Ed25519 public keys; any one verifying is enough. */
  secrets: secretList("secret", standardWebhooksSecret),
  tolerance,
});

export type StandardWebhooksConfig = z.output<typeof StandardWebhooksSchema>;

/**
 * `v1,<base64>` for a `whsec_` (or bare base64) secret, `v1a,<base64>` for a `whsk_` private key.
 * The timestamp is signed as the number the header carries.
 */
export async function signStandardWebhooks(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Uint8Array,
): Promise<string> {
  const key = parseStandardWebhooksSecret(secret);
  const signed = concatBytes(utf8(`${id}.${timestampSeconds}.`), body);
  if ("error" in key) throw cannotSign("standard-webhooks", `the secret ${key.error}`);
  if (key.kind === "hmac") return `v1,${toBase64(await hmacBytes(key.secret, "SHA-256", signed))}`;
  if (key.kind === "ed25519-private") {
    const privateKey = await importEd25519Private(key.seed);
    return `v1a,${toBase64(new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, privateKey, signed)))}`;
  }
  throw cannotSign(
    "standard-webhooks",
    "a whpk_ public key can verify but not sign; configure the whsk_ key to send",
  );
}

/** The `<prefix>-id`, `-timestamp` and `-signature` headers; Svix differs only in the prefix. */
export async function signStandardWebhooksRequest(
  scheme: "standard-webhooks" | "svix",
  secrets: readonly string[],
  { url, body, now, messageId }: SignInput,
): Promise<SignedRequest> {
  if (!messageId) throw cannotSign(scheme, "a message id is required");
  const seconds = Math.floor(now / 1000);
  const p = scheme === "svix" ? "svix" : "webhook";
  const secret = secrets.find((s) => !s.startsWith("whpk_")) ?? firstSecret(secrets);
  const headers = {
    [`${p}-id`]: messageId,
    [`${p}-timestamp`]: String(seconds),
    [`${p}-signature`]: await signStandardWebhooks(secret, messageId, seconds, body),
  };
  return { url, headers, body };
}

export const standardWebhooksScheme = defineScheme({
  name: "standard-webhooks",
  summary: "`webhook-id`/`-timestamp`/`-signature`: v1 HMAC-SHA256 and v1a Ed25519",
  schema: StandardWebhooksSchema,
  createVerifier: (config) => createStandardWebhooksVerifier(config),
  sign: (config, input) => signStandardWebhooksRequest("standard-webhooks", config.secrets, input),
  // The signed content is `<webhook-id>.<timestamp>.<body>`: the id cannot be changed.
  messageIdSigned: true,
});
