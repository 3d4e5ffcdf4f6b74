import type { CryptoKey } from "jose";
import {
  type HmacFunction,
  type HmacKey,
  importHmacKey,
  MAC_LENGTH,
  verifyAnyHmac,
} from "./constant-time.js";
import { concatBytes, fromBase64, owned, toBase64, utf8 } from "./encoding.js";
import { misconfigured, reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type StandardWebhooksConfig, StandardWebhooksSchema } from "./schemes/standard-webhooks.js";
import { type SvixConfig, SvixSchema } from "./schemes/svix.js";
import { cannotSign, firstSecret, hmacBytes, type SignedRequest, type SignInput } from "./sign-support.js";
import {
  ed25519PublicFromPrivate,
  importEd25519Private,
  importEd25519Public,
  parseStandardWebhooksSecret,
} from "./standard-webhooks-secret.js";
import { checkTolerance, parseUnixSeconds } from "./timestamp.js";
import { MAX_SIGNATURES, type Verifier, type WebhookRequest } from "./types.js";

/**
 * Standard Webhooks (https://www.standardwebhooks.com) and Svix, which is the same construction
 * under `svix-*` headers: `{id}.{timestamp}.{body}` signed with HMAC-SHA256 (`v1,<base64>`) or
 * Ed25519 (`v1a,<base64>`), several space-separated signatures per header, any one valid enough.
 */

interface HeaderNames {
  id: string;
  timestamp: string;
  signature: string;
}

const STANDARD: HeaderNames = {
  id: "webhook-id",
  timestamp: "webhook-timestamp",
  signature: "webhook-signature",
};
const SVIX: HeaderNames = { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" };

interface Keys {
  hmac: HmacKey[];
  ed25519: CryptoKey[];
}

export function createStandardWebhooksVerifier(
  config: StandardWebhooksConfig | SvixConfig,
  options: VerifierOptions = {},
): Verifier {
  const scheme = config.scheme;
  // Svix's own libraries fall back to the unbranded headers when the svix-* set is incomplete.
  const headerSets = scheme === "svix" ? [SVIX, STANDARD] : [STANDARD];
  const keys = once(() => importKeys(config, options.hmac));

  return async (req, ctx) => {
    const found = findHeaders(req.headers, headerSets);
    if (!found) {
      const names = headerSets[0]!;
      const missing = [names.id, names.timestamp, names.signature].filter((n) => !getHeader(req.headers, n));
      throw reject(
        scheme,
        "missing_header",
        `missing the ${missing.join(", ")} header${missing.length > 1 ? "s" : ""}`,
      );
    }
    const { names, id, timestamp: rawTimestamp, signature } = found;

    const seconds = parseUnixSeconds(rawTimestamp);
    if (seconds === undefined) {
      throw reject(
        scheme,
        "malformed_timestamp",
        `the ${names.timestamp} header is not a Unix time in seconds`,
      );
    }
    const { v1, v1a } = parseSignatures(scheme, names.signature, signature);

    // The libraries sign the timestamp as a number, so "0123" is signed as "123".
    const signed = concatBytes(utf8(`${id}.${seconds}.`), req.rawBody);
    const { hmac, ed25519 } = await keys();
    const valid =
      (await verifyAnyHmac(hmac, v1, signed, MAC_LENGTH["SHA-256"])) ||
      (await verifyAnyEd25519(ed25519, v1a, signed));
    if (!valid) {
      throw reject(
        scheme,
        "mismatch",
        `no signature in ${names.signature} matches the body with a configured secret`,
      );
    }
    checkTolerance(scheme, seconds * 1000, ctx.now, ctx.toleranceMs ?? config.tolerance);
    return { ok: true, messageId: id, timestamp: seconds * 1000 };
  };
}

/** The first header set that is complete (svix-*, then webhook-* for Svix). */
function findHeaders(headers: WebhookRequest["headers"], sets: readonly HeaderNames[]) {
  for (const names of sets) {
    const id = getHeader(headers, names.id);
    const timestamp = getHeader(headers, names.timestamp);
    const signature = getHeader(headers, names.signature);
    if (id && timestamp && signature) return { names, id, timestamp, signature };
  }
  return undefined;
}

/**
 * `v1,<base64> v1a,<base64> …`. Unknown versions are skipped (forward compatibility, as the
 * libraries do); undecodable entries count as non-matching. A header with no v1/v1a entry at all
 * is malformed.
 */
function parseSignatures(
  scheme: StandardWebhooksConfig["scheme"] | SvixConfig["scheme"],
  header: string,
  value: string,
): { v1: Uint8Array[]; v1a: Uint8Array[] } {
  const entries = value.split(" ").filter((e) => e !== "");
  if (entries.length > MAX_SIGNATURES) {
    throw reject(
      scheme,
      "malformed_header",
      `the ${header} header carries more than ${MAX_SIGNATURES} signatures`,
    );
  }
  const v1: Uint8Array[] = [];
  const v1a: Uint8Array[] = [];
  let known = 0;
  for (const entry of entries) {
    const comma = entry.indexOf(",");
    if (comma < 0) continue;
    const version = entry.slice(0, comma);
    if (version !== "v1" && version !== "v1a") continue;
    known++;
    const bytes = fromBase64(entry.slice(comma + 1));
    if (bytes) (version === "v1" ? v1 : v1a).push(bytes);
  }
  if (known === 0) {
    throw reject(scheme, "malformed_header", `the ${header} header has no v1 or v1a signature`);
  }
  return { v1, v1a };
}

async function verifyAnyEd25519(
  keys: readonly CryptoKey[],
  candidates: readonly Uint8Array[],
  data: Uint8Array,
) {
  const message = owned(data);
  for (const key of keys) {
    for (const candidate of candidates) {
      if (candidate.length !== 64) continue;
      if (await crypto.subtle.verify({ name: "Ed25519" }, key, owned(candidate), message)) return true;
    }
  }
  return false;
}

async function importKeys(config: StandardWebhooksConfig | SvixConfig, sync?: HmacFunction): Promise<Keys> {
  const keys: Keys = { hmac: [], ed25519: [] };
  for (const secret of config.secrets) {
    const parsed = parseStandardWebhooksSecret(secret);
    try {
      if ("error" in parsed) throw new Error(parsed.error);
      if (parsed.kind === "hmac") keys.hmac.push(await importHmacKey(parsed.secret, "SHA-256", sync));
      else if (parsed.kind === "ed25519-public")
        keys.ed25519.push(await importEd25519Public(parsed.publicKey));
      else keys.ed25519.push(await ed25519PublicFromPrivate(await importEd25519Private(parsed.seed)));
    } catch (cause) {
      throw misconfigured(config.scheme, "a secret could not be imported", cause);
    }
  }
  return keys;
}

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
  createVerifier: (config, options) => createStandardWebhooksVerifier(config, options),
  sign: (config, input) => signStandardWebhooksRequest("standard-webhooks", config.secrets, input),
  // The signed content is `<webhook-id>.<timestamp>.<body>`: the id cannot be changed.
  messageIdSigned: true,
});

export const svixScheme = defineScheme({
  name: "svix",
  summary: "Standard Webhooks with `svix-` header names",
  schema: SvixSchema,
  createVerifier: (config, options) => createStandardWebhooksVerifier(config, options),
  sign: (config, input) => signStandardWebhooksRequest("svix", config.secrets, input),
  // As Standard Webhooks: `svix-id` is part of the signed content.
  messageIdSigned: true,
});
