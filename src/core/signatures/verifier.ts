import { isTaskgateError } from "../errors.js";
import { reject } from "./failures.js";
import { schemeOf } from "./registry.js";
import type { SchemeConfig } from "./schema.js";
import type { VerifierOptions } from "./scheme.js";
import type { Verifier } from "./types.js";

export type { VerifierOptions } from "./scheme.js";

/**
 * The verifier for a source's validated `verify` block. Build it once per source at start-up:
 * keys are imported on first use and then reused, and a JWKS is cached inside the verifier.
 *
 * Whatever a request contains, the verifier rejects only with a `TaskgateError`: an unexpected
 * exception from inside a scheme becomes `signature_invalid` (reason `unverifiable`, the original
 * as `cause` for the log) so hostile input can never turn into a 500.
 */
export function createVerifier(config: SchemeConfig, options: VerifierOptions = {}): Verifier {
  const verify = schemeOf(config).createVerifier(config, options);
  return async (req, ctx) => {
    try {
      return await verify(req, ctx);
    } catch (err) {
      if (isTaskgateError(err)) throw err;
      throw reject(config.scheme, "unverifiable", "the request could not be verified", err);
    }
  };
}
