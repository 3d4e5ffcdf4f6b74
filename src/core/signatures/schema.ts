import * as z from "zod";
import { SCHEMES, type SchemeSchemas } from "./registry.js";

/**
 * `verify` of a source (DESIGN.md §2): one strict object per scheme, discriminated on `scheme`,
 * built from the scheme table. Everything a verifier needs is checked here, at start-up, so a bad
 * secret format is reported with its path and a fix instead of failing the first real webhook.
 */
export const VerifySchema = z.discriminatedUnion(
  "scheme",
  SCHEMES.map((scheme) => scheme.schema) as unknown as SchemeSchemas,
);

/** A validated `verify` block: defaults applied, durations in milliseconds, header names lower-case. */
export type SchemeConfig = z.output<typeof VerifySchema>;
/** The `verify` block as written. */
export type SchemeConfigInput = z.input<typeof VerifySchema>;
