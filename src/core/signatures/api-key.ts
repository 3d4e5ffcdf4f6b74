import { SecretMatcher } from "./constant-time.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { defineScheme } from "./scheme.js";
import { type ApiKeyConfig, ApiKeySchema } from "./schemes/api-key.js";
import { firstSecret } from "./sign-support.js";
import type { Verifier } from "./types.js";

/**
 * A static key in a header (after an optional prefix such as `Bearer `), compared in constant time
 * with every configured key. It proves only that the sender knows the key: nothing about the body
 * is signed, so prefer a signing scheme whenever the sender offers one.
 */
export function createApiKeyVerifier(config: ApiKeyConfig): Verifier {
  const matcher = new SecretMatcher(config.keys);
  return async (req) => {
    const header = getHeader(req.headers, config.header);
    if (!header) throw reject("api-key", "missing_header", `missing the ${config.header} header`);
    if (!header.startsWith(config.prefix)) {
      throw reject(
        "api-key",
        "malformed_header",
        `the ${config.header} header does not start with the configured prefix`,
      );
    }
    if (!(await matcher.matches(header.slice(config.prefix.length)))) {
      throw reject("api-key", "mismatch", `the key in ${config.header} is not accepted`);
    }
    return { ok: true };
  };
}

export const apiKeyScheme = defineScheme({
  name: "api-key",
  summary: "a static key in a header (nothing about the body is signed)",
  schema: ApiKeySchema,
  createVerifier: (config) => createApiKeyVerifier(config),
  sign: async (config, { url, body }) => ({
    url,
    body,
    headers: { [config.header]: config.prefix + firstSecret(config.keys) },
  }),
  // Nothing is signed: the key proves only who sent the request.
  messageIdSigned: false,
});
