/**
 * JSON with object keys sorted at every level, so two bodies that mean the same thing hash the
 * same: a retried callback whose sender re-serialised it is still recognised as a duplicate.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

const encoder = new TextEncoder();

/** Hex SHA-256 of a string's UTF-8 bytes (Web Crypto, so it runs on every runtime). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Size of a value once serialised, in UTF-8 bytes: what CDF's 100 KB output limit counts. */
export function jsonByteLength(value: unknown): number {
  return utf8Length(JSON.stringify(value));
}

/**
 * The length of a string's UTF-8 encoding (as TextEncoder writes it: a lone surrogate becomes
 * U+FFFD, three bytes), counted without encoding it.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      // A surrogate pair: two UTF-16 units, four bytes.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
