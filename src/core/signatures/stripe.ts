import { importTextKeys, MAC_LENGTH, verifyAnyHmac } from "./constant-time.js";
import { concatBytes, fromHex, toHex, utf8 } from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { jsonStringField } from "./json-field.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type StripeConfig, StripeSchema } from "./schemes/stripe.js";
import { firstSecret, hmacBytes } from "./sign-support.js";
import { checkTolerance, parseUnixSeconds } from "./timestamp.js";
import { MAX_SIGNATURES, type Verifier } from "./types.js";

/**
 * Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…][,v0=…]`, HMAC-SHA256 over
 * `{t}.{body}` keyed by the whole `whsec_…` string as UTF-8 (not base64-decoded, unlike Standard
 * Webhooks). Several v1 values appear while Stripe rolls a secret; any one valid is enough.
 * Unlike stripe-node, a timestamp too far in the future is refused as well as a stale one.
 */
export const STRIPE_SIGNATURE_HEADER = "stripe-signature";

export function createStripeVerifier(config: StripeConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-256", options.hmac));
  return async (req, ctx) => {
    const header = getHeader(req.headers, STRIPE_SIGNATURE_HEADER);
    if (!header) throw reject("stripe", "missing_header", "missing the Stripe-Signature header");
    const { seconds, signatures } = parseStripeHeader(header);

    const signed = concatBytes(utf8(`${seconds}.`), req.rawBody);
    if (!(await verifyAnyHmac(await keys(), signatures, signed, MAC_LENGTH["SHA-256"]))) {
      throw reject(
        "stripe",
        "mismatch",
        "no v1 signature in Stripe-Signature matches the body with a configured secret",
      );
    }
    checkTolerance("stripe", seconds * 1000, ctx.now, ctx.toleranceMs ?? config.tolerance);
    const eventId = jsonStringField(req.rawBody, "id");
    return eventId
      ? { ok: true, messageId: eventId, timestamp: seconds * 1000 }
      : { ok: true, timestamp: seconds * 1000 };
  };
}

function parseStripeHeader(header: string): { seconds: number; signatures: Uint8Array[] } {
  const items = header.split(",");
  if (items.length > MAX_SIGNATURES + 2) {
    throw reject("stripe", "malformed_header", "the Stripe-Signature header has too many items");
  }
  const timestamps: string[] = [];
  const signatures: Uint8Array[] = [];
  let v1Count = 0;
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === "t") timestamps.push(value);
    else if (key === "v1") {
      v1Count++;
      const mac = fromHex(value);
      if (mac) signatures.push(mac);
    }
  }
  if (timestamps.length !== 1) {
    throw reject("stripe", "malformed_header", "the Stripe-Signature header must carry exactly one t=");
  }
  const seconds = parseUnixSeconds(timestamps[0]!);
  if (seconds === undefined) {
    throw reject(
      "stripe",
      "malformed_timestamp",
      "t= in the Stripe-Signature header is not a Unix time in seconds",
    );
  }
  if (v1Count === 0) {
    throw reject("stripe", "wrong_algorithm", "the Stripe-Signature header has no v1= signature");
  }
  return { seconds, signatures };
}

/** `t=<ts>,v1=<hex>`: the whole `whsec_…` string is the key, as text. */
export async function signStripe(
  secret: string,
  timestampSeconds: number,
  body: Uint8Array,
): Promise<string> {
  const mac = await hmacBytes(utf8(secret), "SHA-256", concatBytes(utf8(`${timestampSeconds}.`), body));
  return `t=${timestampSeconds},v1=${toHex(mac)}`;
}

export const stripeScheme = defineScheme({
  name: "stripe",
  summary: "`Stripe-Signature` (`t=…,v1=…`); id is the event's `id` in the body",
  schema: StripeSchema,
  createVerifier: (config, options) => createStripeVerifier(config, options),
  sign: async (config, { url, body, now }) => ({
    url,
    body,
    headers: {
      [STRIPE_SIGNATURE_HEADER]: await signStripe(firstSecret(config.secrets), Math.floor(now / 1000), body),
    },
  }),
  // The message id is the event's `id`, read from the signed body.
  messageIdSigned: true,
});
