import { importTextKeys, MAC_LENGTH, verifyAnyHmac } from "./constant-time.js";
import { fromBase64 } from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { once } from "./lazy.js";
import type { ShopifyConfig } from "./schemes/shopify.js";
import type { Verifier } from "./types.js";

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>` keyed by the app's client
 * secret as UTF-8. No timestamp is signed; X-Shopify-Webhook-Id (the same on retries) dedupes.
 */
export const SHOPIFY_SIGNATURE_HEADER = "x-shopify-hmac-sha256";
export const SHOPIFY_WEBHOOK_ID_HEADER = "x-shopify-webhook-id";

export function createShopifyVerifier(config: ShopifyConfig): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-256"));
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
