import type { FetchImplementation } from "jose";
import type * as z from "zod";
import type { HmacFunction } from "./constant-time.js";
import type { SignedRequest, SignInput } from "./sign-support.js";
import type { Verifier } from "./types.js";

/** What a runtime lends the verifiers: the fetch a JWKS is read with (tests, or the runtime's own). */
export interface VerifierOptions {
  fetch?: FetchImplementation;
  /** The runtime's synchronous HMAC (node:crypto on Node); Web Crypto when absent (Workers). */
  hmac?: HmacFunction;
}

/** A scheme's `verify` schema: a strict object whose `scheme` literal is the discriminator. */
export type SchemeSchema = z.ZodObject<{ scheme: z.ZodLiteral<string> } & z.core.$ZodShape, z.core.$strict>;

/**
 * Everything about one signature scheme, in one place (DESIGN.md §2): the registry lists these,
 * and the config schema, the verifier, `taskgate send` and the docs table all read them from there.
 */
export interface Scheme<S extends SchemeSchema = SchemeSchema> {
  /** The `verify.scheme` value; the same literal as the schema's. */
  readonly name: z.output<S>["scheme"];
  /** One line for the README's scheme table. */
  readonly summary: string;
  readonly schema: S;
  readonly createVerifier: (config: z.output<S>, options: VerifierOptions) => Verifier;
  /** Signs a request as the provider would, for `taskgate send` and the round-trip tests. */
  readonly sign: (config: z.output<S>, input: SignInput) => Promise<SignedRequest>;
  /**
   * Whether the message id the verifier returns (the default dedupe key) is covered by the
   * signature. When it is not, a replay under a fresh id would pass dedupe on the id alone.
   */
  readonly messageIdSigned: boolean | ((config: z.output<S>) => boolean);
}

/** Keeps each entry's config type tied to its own schema. */
export function defineScheme<S extends SchemeSchema>(scheme: Scheme<S>): Scheme<S> {
  return scheme;
}
