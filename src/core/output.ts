import { jsonByteLength } from "./canonical-json.js";
import { TaskgateError } from "./errors.js";
import { assertPlainJsonValue } from "./json-limits.js";

/** CDF refuses task outputs above 100 KB; taskgate refuses them at the door instead of truncating. */
const MAX_OUTPUT_BYTES = 100 * 1024;

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Deep merge of plain objects; `over` wins, arrays and scalars are replaced whole. */
export function mergeOutput(
  under: JsonObject | null | undefined,
  over: JsonObject | null | undefined,
): JsonObject {
  const out: JsonObject = { ...(under ?? {}) };
  for (const [key, value] of Object.entries(over ?? {})) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeOutput(prev, value) : value;
  }
  return out;
}

/**
 * Throws `output_too_large` when the serialised output would exceed CDF's limit. `bytes`: its
 * size when the caller has already serialised it (key order does not change the size).
 */
export function assertOutputSize(output: JsonObject, bytes = jsonByteLength(output)): number {
  if (bytes > MAX_OUTPUT_BYTES) {
    throw new TaskgateError(
      "output_too_large",
      `the task output would be ${bytes} bytes; CDF accepts at most ${MAX_OUTPUT_BYTES} bytes`,
      { details: { bytes, limit: MAX_OUTPUT_BYTES } },
    );
  }
  return bytes;
}

/**
 * `assertOutputSize` for a merge (`mergeOutput`) of parts whose serialised sizes add up to
 * `partsBytes`: a deep merge is never longer than its parts side by side (each key once, one pair
 * of braces where there were two), so when the parts fit, the merge fits and is not serialised
 * again. Without `partsBytes`, or when the parts do not fit, the merge itself is measured.
 */
export function assertMergedOutputSize(merged: JsonObject, partsBytes?: number): void {
  if (partsBytes !== undefined && partsBytes <= MAX_OUTPUT_BYTES) return;
  assertOutputSize(merged);
}

/** The top-level key of a task output that holds taskgate's own block. */
export const RESERVED_OUTPUT_KEY = "taskgate";

/**
 * Every check on a caller's part of the output (`O`), made before anything is committed: no
 * `taskgate` key (taskgate's own block would otherwise carry the caller's fields to CDF), finite
 * numbers, bounded depth, and the size limit. Returns the serialised size (`bytes`, when the
 * caller measured it already).
 */
export function assertOutputAllowed(output: JsonObject, bytes?: number): number {
  if (Object.hasOwn(output, RESERVED_OUTPUT_KEY)) {
    throw new TaskgateError(
      "reserved_output_key",
      `output.${RESERVED_OUTPUT_KEY} is taskgate's own; put your fields under another key`,
      { details: { path: `output.${RESERVED_OUTPUT_KEY}` } },
    );
  }
  assertPlainJsonValue(output);
  return assertOutputSize(output, bytes);
}

/**
 * The path of the first `null` inside a JSON value, if any. CDF refuses task updates with `null`
 * anywhere ("`null` values aren't allowed."), so taskgate refuses them at the door: accepting one
 * would close the wait with a result CDF can never take. Every body with an output is checked, so
 * the walk allocates no path unless it finds a `null`.
 */
export function findNull(value: unknown): (string | number)[] | undefined {
  return hasNull(value) ? pathOfNull(value, []) : undefined;
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNull(value[i])) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && hasNull((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function pathOfNull(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (value === null) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNull(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const found = pathOfNull(v, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
