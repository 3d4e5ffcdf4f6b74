import { isTaskgateError } from "../errors.js";
import { utf8 } from "./encoding.js";
import type { WebhookRequest } from "./types.js";

/**
 * Helpers for this folder's tests (no test-runner imports, so the file stays portable): build a
 * request, and reduce a verification to a comparable outcome string.
 */

export const TEST_URL = "https://taskgate.example.com/hooks/source";

export function makeRequest(init: {
  headers: Record<string, string>;
  body?: string | Uint8Array;
  url?: string;
  method?: string;
}): WebhookRequest {
  const body = init.body ?? "";
  return {
    method: init.method ?? "POST",
    url: init.url ?? TEST_URL,
    headers: init.headers,
    rawBody: typeof body === "string" ? utf8(body) : body,
  };
}

/** "ok", or the error's `code/reason` (e.g. "signature_invalid/mismatch"), or "unexpected: …". */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (!isTaskgateError(err)) return `unexpected: ${String(err)}`;
    const reason = err.details?.reason;
    return typeof reason === "string" ? `${err.code}/${reason}` : err.code;
  }
}

/** The rejection itself, for checks on its message and details. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** The same bytes with one byte changed (xor with a non-zero mask). */
export function flipByte(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  const out = new Uint8Array(bytes);
  out[index] = out[index]! ^ (mask || 1);
  return out;
}

/** The same text with the character at `index` replaced by `replacement`. */
export function replaceChar(text: string, index: number, replacement: string): string {
  return text.slice(0, index) + replacement + text.slice(index + 1);
}
