/**
 * Byte and text encodings on Web globals only (no Buffer). Decoders of signatures are strict and
 * accept only the canonical form a provider emits (lower-case hex, padded base64 with zero spare
 * bits), so two different header values never verify as the same signature.
 */

const encoder = new TextEncoder();
// ignoreBOM spelled out (its default): the Workers types require it in the options.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const lenientDecoder = new TextDecoder("utf-8");

/**
 * A view Web Crypto accepts under TypeScript's `BufferSource` (an ArrayBuffer, not a shared
 * one). Copies only when the bytes live in shared memory.
 */
export function owned(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return owned(encoder.encode(text));
}

/** UTF-8 text of `bytes`; `undefined` when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** UTF-8 text of `bytes` with U+FFFD for invalid sequences (for content that is only parsed, never signed). */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += HEX[byte >> 4]! + HEX[byte & 15]!;
  return out;
}

/** Lower-case hex only (what every provider sends); `undefined` for anything else. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Hex in either case, for secrets typed by people (never for signatures). */
export function fromHexAnyCase(text: string): Uint8Array<ArrayBuffer> | undefined {
  return fromHex(text.toLowerCase());
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function atobBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Canonical padded standard base64 only: the one spelling of these bytes. A lenient decoder would
 * let `...1OE=` and `...1OF=` (which differ only in unused bits) both verify.
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = atobBytes(text);
  return bytes && toBase64(bytes) === text ? bytes : undefined;
}

/** Standard base64 with or without padding, for configured secrets (never for signatures). */
export function fromBase64Lenient(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  return atobBytes(text);
}

/** Canonical unpadded base64url (as in JWS), `undefined` otherwise. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = atobBytes(text.replace(/-/g, "+").replace(/_/g, "/"));
  return bytes && toBase64Url(bytes) === text ? bytes : undefined;
}
