import { SecretMatcher } from "./constant-time.js";
import { decodeUtf8, fromBase64Lenient, toBase64, utf8 } from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { defineScheme } from "./scheme.js";
import { type BasicConfig, BasicSchema } from "./schemes/basic.js";
import type { Verifier } from "./types.js";

/**
 * HTTP Basic credentials (RFC 7617) for senders that can do nothing better. The whole
 * `user:password` is compared in constant time against each configured pair, so neither part
 * leaks through timing; several pairs allow a rotation.
 */
export function createBasicVerifier(config: BasicConfig): Verifier {
  const matcher = new SecretMatcher(config.credentials.map((c) => `${c.username}:${c.password}`));
  return async (req) => {
    const header = getHeader(req.headers, "authorization");
    if (!header) throw reject("basic", "missing_header", "missing the Authorization header");
    const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
    const decoded = match ? fromBase64Lenient(match[1]!) : undefined;
    const text = decoded ? decodeUtf8(decoded) : undefined;
    if (text === undefined || !text.includes(":")) {
      throw reject(
        "basic",
        "malformed_header",
        "the Authorization header is not Basic base64(user:password)",
      );
    }
    if (!(await matcher.matches(text))) {
      throw reject("basic", "mismatch", "the user name or password is not accepted");
    }
    return { ok: true };
  };
}

export const basicScheme = defineScheme({
  name: "basic",
  summary: "HTTP Basic credentials (nothing about the body is signed)",
  schema: BasicSchema,
  createVerifier: (config) => createBasicVerifier(config),
  sign: async (config, { url, body }) => {
    const { username, password } = config.credentials[0]!;
    return { url, body, headers: { authorization: `Basic ${toBase64(utf8(`${username}:${password}`))}` } };
  },
  // Nothing is signed: the credentials prove only who sent the request.
  messageIdSigned: false,
});
