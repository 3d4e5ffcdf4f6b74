import { misconfigured } from "./failures.js";
import type { NoneConfig } from "./schemes/none.js";
import type { Verifier } from "./types.js";

/**
 * Accepts everything. Reachable only through `"scheme": "none"` with `"allowUnsigned": true`,
 * which the schema insists on, so an unsigned source is always a visible, deliberate choice.
 */
export function createNoneVerifier(config: NoneConfig): Verifier {
  if (config.allowUnsigned !== true) {
    throw misconfigured("none", 'an unsigned source requires "allowUnsigned": true');
  }
  return async () => ({ ok: true });
}
