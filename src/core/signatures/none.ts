import { misconfigured } from "./failures.js";
import { defineScheme } from "./scheme.js";
import { type NoneConfig, NoneSchema } from "./schemes/none.js";
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

export const noneScheme = defineScheme({
  name: "none",
  summary: 'no verification; refused unless `"allowUnsigned": true` is set beside it',
  schema: NoneSchema,
  createVerifier: (config) => createNoneVerifier(config),
  sign: async (_config, { url, body }) => ({ url, body, headers: {} }),
  // Nothing is signed.
  messageIdSigned: false,
});
