import { SecretMatcher } from "./constant-time.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import type { ApiKeyConfig } from "./schemes/api-key.js";
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
