import { schemeOf } from "./registry.js";
import type { SchemeConfig } from "./schema.js";
import type { SignedRequest, SignInput } from "./sign-support.js";

export type { SignedRequest, SignInput } from "./sign-support.js";

/**
 * Headers (and, rarely, URL or body) that make `input` verify under `config`, as the provider
 * sends them: the inverse of each verifier, for `taskgate send` (a test webhook from the source's
 * own secret) and for round-trip tests. The first configured secret signs, like `signingKeys`.
 */
export function signRequest(config: SchemeConfig, input: SignInput): Promise<SignedRequest> {
  return schemeOf(config).sign(config, input);
}
