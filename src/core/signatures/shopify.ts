import { importTextKeys, MAC_LENGTH, verifyAnyHmac } from "./constant-time.js";
import { fromBase64, toBase64, utf8 } from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type ShopifyConfig, ShopifySchema } from "./schemes/shopify.js";
import { firstSecret, hmacBytes } from "./sign-support.js";
import type { Verifier } from "./types.js";

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>` keyed by the app's client
 * secret as UTF-8. No timestamp is signed; X-Shopify-Webhook-Id (the same on retries) dedupes.
 */
export const SHOPIFY_SIGNATURE_HEADER = "x-shopify-hmac-sha256";
export const SHOPIFY_WEBHOOK_ID_HEADER = "x-shopify-webhook-id";

export function createShopifyVerifier(config: ShopifyConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-256", options.hmac));
  return async (req) => {
    const header = getHeader(req.headers, SHOPIFY_SIGNATURE_HEADER);
    if (!header) throw reject("shopify", "missing_header", "missing the X-Shopify-Hmac-Sha256 header");
    const mac = fromBase64(header);
    if (!mac || mac.length !== MAC_LENGTH["SHA-256"]) {
      throw reject("shopify", "malformed_header", "X-Shopify-Hmac-Sha256 is not a base64 SHA-256 HMAC");
    }
    if (!(await verifyAnyHmac(await keys(), [mac], req.rawBody, MAC_LENGTH["SHA-256"]))) {
      throw reject(
        "shopify",
        "mismatch",
        "X-Shopify-Hmac-Sha256 does not match the body with a configured secret",
      );
    }
    const id = getHeader(req.headers, SHOPIFY_WEBHOOK_ID_HEADER);
    return id ? { ok: true, messageId: id } : { ok: true };
  };
}

/** Base64 for X-Shopify-Hmac-Sha256. */
export async function signShopify(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacBytes(utf8(secret), "SHA-256", body));
}

export const shopifyScheme = defineScheme({
  name: "shopify",
  summary: "`X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the body); id from `X-Shopify-Webhook-Id`",
  schema: ShopifySchema,
  createVerifier: (config, options) => createShopifyVerifier(config, options),
  sign: async (config, { url, body, messageId }) => ({
    url,
    body,
    headers: {
      [SHOPIFY_SIGNATURE_HEADER]: await signShopify(firstSecret(config.secrets), body),
      ...(messageId ? { [SHOPIFY_WEBHOOK_ID_HEADER]: messageId } : {}),
    },
  }),
  // Shopify signs the body only; X-Shopify-Webhook-Id is an unsigned header.
  messageIdSigned: false,
});
