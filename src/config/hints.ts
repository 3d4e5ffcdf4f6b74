import * as z from "zod";

/**
 * What to tell someone whose value for a field is missing or wrong. Kept beside each schema (via
 * a registry) rather than in a table keyed by path, so hints cannot drift from the fields.
 */
export interface ConfigHint {
  /** A JSON value to show after the key, e.g. `"<your CDF project>"`. */
  example?: string;
  /** How to fix a present but invalid value. */
  fix?: string;
}

export const configHints = z.registry<ConfigHint>();

/** Attaches a hint to a schema instance (registration returns the same instance). */
export function hint<S extends z.ZodType>(schema: S, value: ConfigHint): S {
  configHints.add(schema, value);
  return schema;
}
