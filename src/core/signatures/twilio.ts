import { importTextKeys, MAC_LENGTH, SecretMatcher, verifyAnyHmac } from "./constant-time.js";
import {
  concatBytes,
  decodeUtf8,
  decodeUtf8Lenient,
  fromBase64,
  owned,
  toBase64,
  toHex,
  utf8,
} from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type TwilioConfig, TwilioSchema } from "./schemes/twilio.js";
import { firstSecret, hmacBytes, type SignedRequest, type SignInput } from "./sign-support.js";
import type { Verifier } from "./types.js";

/**
 * Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1>` keyed by the auth token (UTF-8) over the full
 * URL followed by every POST parameter's name and value, sorted by name (values of a repeated name
 * sorted too). A JSON body is not signed directly: Twilio adds `bodySHA256=<hex>` to the URL's
 * query, signs the URL alone, and the body must hash to that value.
 *
 * Twilio is inconsistent about default ports, so, like its libraries, the URL is tried as given,
 * with the default port added and with the port removed. `req.url` must be the public URL.
 */
export const TWILIO_SIGNATURE_HEADER = "x-twilio-signature";
const TWILIO_IDEMPOTENCY_HEADER = "i-twilio-idempotency-token";

export function createTwilioVerifier(config: TwilioConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-1", options.hmac));
  return async (req) => {
    const header = getHeader(req.headers, TWILIO_SIGNATURE_HEADER);
    if (!header) throw reject("twilio", "missing_header", "missing the X-Twilio-Signature header");
    const mac = fromBase64(header);
    if (!mac || mac.length !== MAC_LENGTH["SHA-1"]) {
      throw reject("twilio", "malformed_header", "X-Twilio-Signature is not a base64 SHA-1 HMAC");
    }
    const variants = urlVariants(req.url);
    if (!variants)
      throw reject("twilio", "mismatch", "the request URL cannot be parsed, so it cannot be checked");

    const bodyHash = bodySha256Param(req.url);
    const suffix = bodyHash === undefined ? formSuffix(req.rawBody) : "";
    let valid = false;
    for (const url of variants) {
      if (await verifyAnyHmac(await keys(), [mac], utf8(url + suffix), MAC_LENGTH["SHA-1"])) {
        valid = true;
        break;
      }
    }
    if (!valid) {
      throw reject(
        "twilio",
        "mismatch",
        "X-Twilio-Signature does not match the URL and parameters with a configured auth token",
      );
    }
    if (bodyHash !== undefined) {
      const actual = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", owned(req.rawBody))));
      if (!(await new SecretMatcher([actual]).matches(bodyHash))) {
        throw reject(
          "twilio",
          "body_hash_mismatch",
          "the body does not hash to the signed bodySHA256 query parameter",
        );
      }
    }
    const token = getHeader(req.headers, TWILIO_IDEMPOTENCY_HEADER);
    return token ? { ok: true, messageId: token } : { ok: true };
  };
}

/** What Twilio appends to the URL: each form parameter's name and value, sorted by name then value. */
export function twilioParamSuffix(params: Iterable<readonly [string, string]>): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  let out = "";
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...byName.get(name)!].sort()) out += name + value;
  }
  return out;
}

function formSuffix(body: Uint8Array): string {
  if (body.length === 0) return "";
  return twilioParamSuffix(new URLSearchParams(decodeUtf8Lenient(body)));
}

function bodySha256Param(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get("bodySHA256") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The URL as given, with the scheme's default port added, and with any port removed — built as
 * strings, because `URL` would normalise the very characters Twilio signed.
 */
export function urlVariants(url: string): string[] | undefined {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!match) return undefined;
  const scheme = match[1]!;
  const authority = match[2]!;
  const rest = match[3]!;
  const at = authority.lastIndexOf("@");
  const userinfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  // A colon after the closing bracket of an IPv6 literal (or in a plain host) starts the port.
  const colon = hostPort.lastIndexOf(":");
  const hasPort = colon > hostPort.lastIndexOf("]");
  const host = hasPort ? hostPort.slice(0, colon) : hostPort;
  const port = hasPort ? hostPort.slice(colon + 1) : "";
  if (host === "" || !/^\d*$/.test(port)) return undefined;
  const defaultPort = scheme.toLowerCase() === "https" ? "443" : "80";
  const base = `${scheme}://${userinfo}`;
  return [...new Set([url, `${base}${host}:${port || defaultPort}${rest}`, `${base}${host}${rest}`])];
}

/** Base64 for X-Twilio-Signature, over the URL and the sorted form parameters. */
export async function signTwilio(
  authToken: string,
  url: string,
  params: Iterable<readonly [string, string]> = [],
): Promise<string> {
  return toBase64(await hmacBytes(utf8(authToken), "SHA-1", utf8(url + twilioParamSuffix(params))));
}

/** Form bodies are signed as parameters; anything else goes through `bodySHA256` like Twilio's JSON webhooks. */
async function signTwilioRequest(authToken: string, input: SignInput): Promise<SignedRequest> {
  const text = decodeUtf8(input.body) ?? "";
  const trimmed = text.trimStart();
  if (input.body.length > 0 && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
    const hash = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(input.body))));
    const url = `${input.url}${input.url.includes("?") ? "&" : "?"}bodySHA256=${hash}`;
    return {
      url,
      body: input.body,
      headers: { [TWILIO_SIGNATURE_HEADER]: await signTwilio(authToken, url) },
    };
  }
  const signature = await signTwilio(authToken, input.url, text === "" ? [] : new URLSearchParams(text));
  return { url: input.url, body: input.body, headers: { [TWILIO_SIGNATURE_HEADER]: signature } };
}

export const twilioScheme = defineScheme({
  name: "twilio",
  summary:
    "`X-Twilio-Signature` (HMAC-SHA1 of the URL and form parameters); id from `I-Twilio-Idempotency-Token`",
  schema: TwilioSchema,
  createVerifier: (config, options) => createTwilioVerifier(config, options),
  sign: (config, input) => signTwilioRequest(firstSecret(config.secrets), input),
  // Twilio signs the URL and parameters; I-Twilio-Idempotency-Token is an unsigned header.
  messageIdSigned: false,
});
