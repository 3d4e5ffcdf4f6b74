const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Each character code's 6-bit value, or -1 for anything outside the base64url alphabet. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes base64url written exactly as an encoder writes it (RFC 4648 §5, no padding): only the
 * alphabet, never a length that leaves a lone character, and zero unused low bits in the last
 * character. Any other spelling of the same bytes (a trailing `=`, a twin last character) gives
 * undefined, so a value has one spelling. One pass, no regex, no intermediate strings.
 */
export function decodeCanonicalBase64url(text: string): Uint8Array | undefined {
  const n = text.length;
  const rest = n % 4;
  if (n === 0 || rest === 1) return undefined;
  const out = new Uint8Array(((n - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    out[o++] = ((c & 0x03) << 6) | d;
  }
  if (rest === 2) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    if ((a | b) < 0 || (b & 0x0f) !== 0) return undefined;
    out[o] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    if ((a | b | c) < 0 || (c & 0x03) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o] = ((b & 0x0f) << 4) | (c >> 2);
  }
  return out;
}

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUE[code]! : -1;
}
