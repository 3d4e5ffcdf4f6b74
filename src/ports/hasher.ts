/**
 * SHA-256 of a string's UTF-8 bytes (or of raw bytes), as lower-case hex. A port because the fastest way differs
 * by runtime: on Node, Web Crypto's digest is a thread-pool job that costs far more than the hash.
 */
export type Sha256Hex = (data: string | Uint8Array) => Promise<string>;

/** A synchronous HMAC over bytes for webhook signatures (Node); Web Crypto without one. */
export type { HmacFunction } from "../core/signatures/constant-time.js";
/** HMAC-SHA-256, synchronous (token verification); the type lives in core, which uses it. */
export type { HmacSha256 } from "../core/signed-token.js";
