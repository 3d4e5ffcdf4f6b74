import * as z from "zod";
import { fix, secretList, secretText, tolerance } from "../schema-parts.js";
import { parseStandardWebhooksSecret } from "../standard-webhooks-secret.js";

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
