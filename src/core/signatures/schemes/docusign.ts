import * as z from "zod";
import { createDocusignVerifier } from "../docusign.js";
import { toBase64, utf8 } from "../encoding.js";
import { secretList } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { firstSecret, hmacBytes } from "../sign-support.js";

export const DocusignSchema = z.strictObject({
  scheme: z.literal("docusign"),
  /** Connect HMAC keys, as UTF-8 text; DocuSign sends one signature header per active key. */
  secrets: secretList("Connect HMAC key"),
});

export type DocusignConfig = z.output<typeof DocusignSchema>;

/** Base64 for X-DocuSign-Signature-<n>. */
export async function signDocusign(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacBytes(utf8(secret), "SHA-256", body));
}

export const docusignScheme = defineScheme({
  name: "docusign",
  summary: "`X-DocuSign-Signature-<n>` (base64 HMAC-SHA256 of the body, one per Connect key)",
  schema: DocusignSchema,
  createVerifier: (config) => createDocusignVerifier(config),
  sign: async (config, { url, body }) => ({
    url,
    body,
    headers: { "x-docusign-signature-1": await signDocusign(firstSecret(config.secrets), body) },
  }),
  // Connect sends no delivery id at all (dedupe needs the source's `dedupeKey`), so none is signed.
  messageIdSigned: false,
});
