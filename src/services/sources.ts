import { compileMapping, type MappingConfig, type SourceMapping } from "../core/mapping/source-mapping.js";
import type { HmacFunction } from "../core/signatures/constant-time.js";
import { messageIdSigned } from "../core/signatures/registry.js";
import type { SchemeConfig } from "../core/signatures/schema.js";
import type { Verifier } from "../core/signatures/types.js";
import { createVerifier } from "../core/signatures/verifier.js";

/** A configured webhook source, as written in the config (after validation). */
export interface SourceConfig extends MappingConfig {
  verify: SchemeConfig;
  /** How long a webhook whose wait does not exist yet is kept for it (ms). */
  parkUnmatchedFor: number;
}

/** A source ready to serve: its verifier built and its expressions compiled, once. */
export interface CompiledSource {
  name: string;
  verify: Verifier;
  mapping: SourceMapping;
  parkForMs: number;
  /**
   * Whether the scheme signs its message id. When it does not (GitHub, Shopify, Twilio, basic,
   * api-key), a captured request could be replayed under a fresh id, so it is deduped on its body.
   */
  messageIdSigned: boolean;
}

/**
 * Builds every source at start-up. The config schema has already compiled the expressions (to
 * report problems by path), so a failure here is a bug, not a user error.
 */
export function compileSources(
  sources: Readonly<Record<string, SourceConfig>> | undefined,
  options: { fetch?: typeof fetch; hmac?: HmacFunction } = {},
): ReadonlyMap<string, CompiledSource> {
  const out = new Map<string, CompiledSource>();
  for (const [name, config] of Object.entries(sources ?? {})) {
    const { mapping, problems } = compileMapping(config);
    if (!mapping)
      throw new Error(`source ${name}: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`);
    out.set(name, {
      name,
      verify: createVerifier(config.verify, {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.hmac ? { hmac: options.hmac } : {}),
      }),
      mapping,
      parkForMs: config.parkUnmatchedFor,
      messageIdSigned: messageIdSigned(config.verify),
    });
  }
  return out;
}
