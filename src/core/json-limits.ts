import { TaskgateError } from "./errors.js";

/** Deeper JSON than this is refused: no honest payload nests 64 levels, and recursion has limits. */
export const MAX_JSON_DEPTH = 64;

/**
 * Throws `too_deep` when JSON text nests deeper than `MAX_JSON_DEPTH`. Counted on the text, in one
 * loop without recursion, before `JSON.parse` and anything recursive (zod, canonical JSON) sees it.
 */
export function assertJsonDepth(text: string, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) throw tooDeep(max);
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
}

/**
 * Throws `invalid_number` at the first number that is not finite (`1e999` parses to Infinity,
 * which JSON.stringify later sends to CDF as `null`), and `too_deep` past the depth limit, for a
 * value already parsed (a mapping's result, say). Walks with an explicit stack, never recursion,
 * and allocates nothing per value: the path of a bad number is found again only to name it.
 */
export function assertPlainJsonValue(value: unknown, max = MAX_JSON_DEPTH): void {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()! + 1;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw notFinite(value);
    } else if (v !== null && typeof v === "object") {
      if (depth > max) throw tooDeep(max);
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) {
          values.push(v[i]);
          depths.push(depth);
        }
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          values.push((v as Record<string, unknown>)[keys[i]!]);
          depths.push(depth);
        }
      }
    }
  }
}

/** `invalid_number` naming the path of the first non-finite number in `value` (depth-first). */
function notFinite(value: unknown): TaskgateError {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  let path = "/";
  while (stack.length > 0) {
    const top = stack.pop()!;
    const v = top.value;
    if (typeof v === "number" && !Number.isFinite(v)) {
      path = top.path || "/";
      break;
    }
    if (v !== null && typeof v === "object") {
      const entries = Array.isArray(v) ? [...v.entries()] : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        stack.push({ value: child, path: `${top.path}/${k}` });
      }
    }
  }
  return new TaskgateError("invalid_number", `the number at ${path} is not finite`, { details: { path } });
}

/** `JSON.parse` with both checks: the way taskgate reads every JSON body it did not write. */
export function parseJsonChecked(text: string): unknown {
  assertJsonDepth(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TaskgateError("malformed_body", "the body is not valid JSON");
  }
  assertPlainJsonValue(value);
  return value;
}

function tooDeep(max: number): TaskgateError {
  return new TaskgateError("too_deep", `the JSON nests deeper than ${max} levels`, {
    details: { limit: max },
  });
}
