import { importTextKeys, MAC_LENGTH, verifyAnyHmac } from "./constant-time.js";
import { fromBase64, toBase64, utf8 } from "./encoding.js";
import { reject } from "./failures.js";
import { headerEntries } from "./headers.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type DocusignConfig, DocusignSchema } from "./schemes/docusign.js";
import { firstSecret, hmacBytes } from "./sign-support.js";
import { MAX_SIGNATURES, type Verifier } from "./types.js";

/**
 * DocuSign Connect: one `X-DocuSign-Signature-<n>` header per active HMAC key, each the base64
 * HMAC-SHA256 of the body keyed by that Connect key as UTF-8. Any header matching any configured
 * key is enough, so keys rotate on both sides independently. No timestamp is signed, and Connect
 * sends no delivery id header: dedupe with the source's `dedupeKey`.
 */
const SIGNATURE_HEADER = /^x-docusign-signature-(\d{1,3})$/;

export function createDocusignVerifier(config: DocusignConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-256", options.hmac));
  return async (req) => {
    const values = headerEntries(req.headers)
      .filter(([name]) => SIGNATURE_HEADER.test(name))
      .map(([, value]) => value);
    if (values.length === 0) {
      throw reject("docusign", "missing_header", "missing the X-DocuSign-Signature-1 header");
    }
    if (values.length > MAX_SIGNATURES) {
      throw reject(
        "docusign",
        "malformed_header",
        `more than ${MAX_SIGNATURES} X-DocuSign-Signature headers`,
      );
    }
    const macs = values
      .map(fromBase64)
      .filter((mac): mac is Uint8Array<ArrayBuffer> => mac?.length === MAC_LENGTH["SHA-256"]);
    if (macs.length === 0) {
      throw reject(
        "docusign",
        "malformed_header",
        "no X-DocuSign-Signature header holds a base64 SHA-256 HMAC",
      );
    }
    if (!(await verifyAnyHmac(await keys(), macs, req.rawBody, MAC_LENGTH["SHA-256"]))) {
      throw reject(
        "docusign",
        "mismatch",
        "no X-DocuSign-Signature header matches the body with a configured key",
      );
    }
    return { ok: true };
  };
}

/** Base64 for X-DocuSign-Signature-<n>. */
export async function signDocusign(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacBytes(utf8(secret), "SHA-256", body));
}

export const docusignScheme = defineScheme({
  name: "docusign",
  summary: "`X-DocuSign-Signature-<n>` (base64 HMAC-SHA256 of the body, one per Connect key)",
  schema: DocusignSchema,
  createVerifier: (config, options) => createDocusignVerifier(config, options),
  sign: async (config, { url, body }) => ({
    url,
    body,
    headers: { "x-docusign-signature-1": await signDocusign(firstSecret(config.secrets), body) },
  }),
  // Connect sends no delivery id at all (dedupe needs the source's `dedupeKey`), so none is signed.
  messageIdSigned: false,
});
