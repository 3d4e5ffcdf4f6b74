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
 * value already parsed (a mapping's result, say). Walks with an explicit stack, never recursion.
 */
export function assertPlainJsonValue(value: unknown, max = MAX_JSON_DEPTH): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: "" }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const v = top.value;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) {
        throw new TaskgateError("invalid_number", `the number at ${top.path || "/"} is not finite`, {
          details: { path: top.path || "/" },
        });
      }
    } else if (v !== null && typeof v === "object") {
      const depth = top.depth + 1;
      if (depth > max) throw tooDeep(max);
      const entries = Array.isArray(v) ? v.entries() : Object.entries(v);
      for (const [k, child] of entries) stack.push({ value: child, depth, path: `${top.path}/${k}` });
    }
  }
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
