import * as z from "zod";
import { secretList } from "../schema-parts.js";

export const ShopifySchema = z.strictObject({
  scheme: z.literal("shopify"),
  /** The app's client secret (API secret key), as UTF-8 text. */
  secrets: secretList("client secret"),
});

export type ShopifyConfig = z.output<typeof ShopifySchema>;
