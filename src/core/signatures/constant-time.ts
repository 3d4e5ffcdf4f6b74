import type { CryptoKey } from "jose";
import { owned, utf8 } from "./encoding.js";

/**
 * Every comparison of a secret-derived value is constant-time: Web Crypto's `verify`, or
 * `constantTimeEqual` below for a runtime's synchronous HMAC; nothing here compares MACs or
 * secrets with `===`.
 */

export type HmacHash = "SHA-1" | "SHA-256" | "SHA-512";

export const MAC_LENGTH: Readonly<Record<HmacHash, number>> = { "SHA-1": 20, "SHA-256": 32, "SHA-512": 64 };

/**
 * A runtime's synchronous HMAC (node:crypto on Node, chosen in node.ts): a few microseconds per
 * webhook where Web Crypto's `sign`/`verify` is a thread-pool job several times dearer. Without
 * one (Workers, tests that pass none) the verifiers use Web Crypto; both give the same answers.
 */
export type HmacFunction = (hash: HmacHash, key: Uint8Array, data: Uint8Array) => Uint8Array;

/** A key ready to use: imported into Web Crypto, or the raw secret for the runtime's HMAC. */
export type HmacKey =
  | { readonly kind: "web-crypto"; readonly key: CryptoKey }
  | {
      readonly kind: "sync";
      readonly hash: HmacHash;
      readonly secret: Uint8Array;
      readonly hmac: HmacFunction;
    };

export async function importHmacKey(
  secret: Uint8Array,
  hash: HmacHash,
  sync?: HmacFunction,
): Promise<HmacKey> {
  if (sync) return { kind: "sync", hash, secret: new Uint8Array(secret), hmac: sync };
  const key = await crypto.subtle.importKey("raw", owned(secret), { name: "HMAC", hash }, false, [
    "sign",
    "verify",
  ]);
  return { kind: "web-crypto", key };
}

export async function hmac(key: HmacKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (key.kind === "sync") return new Uint8Array(key.hmac(key.hash, key.secret, data));
  return new Uint8Array(await crypto.subtle.sign("HMAC", key.key, owned(data)));
}

/**
 * True when any candidate MAC is the HMAC of `data` under any key (rotation: old and new secrets
 * both verify; several signatures in one header: any one valid is enough). Candidates of the
 * wrong length are skipped before they are compared; their length is not secret. With the
 * runtime's HMAC, each key's MAC is computed once and compared with every candidate.
 */
export async function verifyAnyHmac(
  keys: readonly HmacKey[],
  candidates: readonly Uint8Array[],
  data: Uint8Array,
  macLength: number,
): Promise<boolean> {
  const sized = candidates.filter((c) => c.length === macLength);
  if (sized.length === 0) return false;
  let message: Uint8Array<ArrayBuffer> | undefined;
  for (const key of keys) {
    if (key.kind === "sync") {
      const expected = key.hmac(key.hash, key.secret, data);
      for (const candidate of sized) if (constantTimeEqual(expected, candidate)) return true;
      continue;
    }
    message ??= owned(data);
    for (const candidate of sized) {
      if (await crypto.subtle.verify("HMAC", key.key, owned(candidate), message)) return true;
    }
  }
  return false;
}

/** Equal bytes, in time that depends on the length only (lengths are not secret here). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

interface Expected {
  key: CryptoKey;
  tag: Uint8Array<ArrayBuffer>;
}

/**
 * Compares presented credentials (an API key, a Basic user:password) with configured ones in
 * constant time: each configured secret keys an HMAC of itself, and a candidate matches when its
 * HMAC under that key verifies against that tag. Neither the candidate's content nor the secret's
 * length leaks through timing, and no randomness is needed.
 */
export class SecretMatcher {
  private readonly expected: Promise<Expected[]>;

  constructor(secrets: readonly string[]) {
    this.expected = Promise.all(
      secrets.map(async (secret) => {
        const bytes = utf8(secret);
        const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
          "sign",
          "verify",
        ]);
        return { key, tag: new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes)) };
      }),
    );
  }

  /** Checks every configured secret (no early exit), so timing does not tell which one matched. */
  async matches(candidate: string): Promise<boolean> {
    const data = utf8(candidate);
    let found = false;
    for (const { key, tag } of await this.expected) {
      if (await crypto.subtle.verify("HMAC", key, tag, data)) found = true;
    }
    return found;
  }
}

/** One HMAC key per configured secret, each secret's UTF-8 text as the key (GitHub, Stripe, Slack, …). */
export function importTextKeys(
  secrets: readonly string[],
  hash: HmacHash,
  sync?: HmacFunction,
): Promise<HmacKey[]> {
  return Promise.all(secrets.map((secret) => importHmacKey(utf8(secret), hash, sync)));
}
