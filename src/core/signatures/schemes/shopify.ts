import * as z from "zod";
import { toBase64, utf8 } from "../encoding.js";
import { secretList } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { createShopifyVerifier, SHOPIFY_SIGNATURE_HEADER, SHOPIFY_WEBHOOK_ID_HEADER } from "../shopify.js";
import { firstSecret, hmacBytes } from "../sign-support.js";

export const ShopifySchema = z.strictObject({
  scheme: z.literal("shopify"),
  /** The app's client secret (API secret key), as UTF-8 text. */
  secrets: secretList("client secret"),
});

export type ShopifyConfig = z.output<typeof ShopifySchema>;

/** Base64 for X-Shopify-Hmac-Sha256. */
export async function signShopify(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacBytes(utf8(secret), "SHA-256", body));
}

export const shopifyScheme = defineScheme({
  name: "shopify",
  summary: "`X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the body); id from `X-Shopify-Webhook-Id`",
  schema: ShopifySchema,
  createVerifier: (config) => createShopifyVerifier(config),
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
