import * as z from "zod";
import { secretList } from "../schema-parts.js";

export const DocusignSchema = z.strictObject({
  scheme: z.literal("docusign"),
  /** Connect HMAC keys, as UTF-8 text; DocuSign sends one signature header per active key. */
  secrets: secretList("Connect HMAC key"),
});

export type DocusignConfig = z.output<typeof DocusignSchema>;
