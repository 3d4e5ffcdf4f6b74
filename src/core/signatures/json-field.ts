import { decodeUtf8 } from "./encoding.js";

/**
 * A top-level string field of a JSON object body (Stripe's event `id`, Slack's `event_id`), read
 * only after the signature verified. `undefined` when the body is not a JSON object or the field
 * is not a non-empty string: an id is a convenience for dedupe, never a reason to refuse.
 */
export function jsonStringField(body: Uint8Array, field: string): string | undefined {
  const object = parseJsonObject(body);
  const value = object?.[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function parseJsonObject(body: Uint8Array): Record<string, unknown> | undefined {
  if (body.length === 0 || body.length > 1_048_576) return undefined;
  const text = decodeUtf8(body);
  if (text === undefined || !text.trimStart().startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
