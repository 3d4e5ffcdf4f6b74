const SNIPPET_MAX = 300;

/**
 * A short, single-line excerpt of a body that is not JSON (a proxy's HTML 502 page, say): tags
 * stripped, whitespace collapsed, capped, so an error message stays readable and bounded.
 */
export function bodySnippet(text: string, max = SNIPPET_MAX): string {
  const plain = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function listDetail(label: string, value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return "";
  return ` (${label}: ${bodySnippet(JSON.stringify(value), 200)})`;
}

/**
 * CDF's error message from a failed response, whatever the envelope: the documented
 * `{"error": {"code", "message", "missing"?, "duplicated"?}}`, the `{"error": "<string>"}` the
 * Python SDK also accepts, or a body that is not JSON at all (then a snippet, or the status text).
 */
export function parseCdfErrorMessage(status: number, statusText: string, text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) {
    const error = parsed.error;
    if (typeof error === "string" && error.trim() !== "") return bodySnippet(error);
    if (isRecord(error) && typeof error.message === "string") {
      return (
        bodySnippet(error.message) +
        listDetail("missing", error.missing) +
        listDetail("duplicated", error.duplicated)
      );
    }
    if (typeof parsed.message === "string" && parsed.message.trim() !== "")
      return bodySnippet(parsed.message);
  }
  const snippet = bodySnippet(text);
  if (snippet !== "") return snippet;
  return statusText.trim() !== "" ? statusText.trim() : `HTTP ${status}`;
}
