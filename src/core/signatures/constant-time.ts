import type { CryptoKey } from "jose";
import { owned, utf8 } from "./encoding.js";

/**
 * Every comparison of a secret-derived value goes through Web Crypto's `verify`, which compares in
 * constant time; nothing here compares MACs or secrets with `===`.
 */

export type HmacHash = "SHA-1" | "SHA-256" | "SHA-512";

export const MAC_LENGTH: Readonly<Record<HmacHash, number>> = { "SHA-1": 20, "SHA-256": 32, "SHA-512": 64 };

export function importHmacKey(secret: Uint8Array, hash: HmacHash): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", owned(secret), { name: "HMAC", hash }, false, ["sign", "verify"]);
}

export async function hmac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, owned(data)));
}

/**
 * True when any candidate MAC is the HMAC of `data` under any key (rotation: old and new secrets
 * both verify; several signatures in one header: any one valid is enough). Candidates of the
 * wrong length are skipped before Web Crypto sees them; their length is not secret.
 */
export async function verifyAnyHmac(
  keys: readonly CryptoKey[],
  candidates: readonly Uint8Array[],
  data: Uint8Array,
  macLength: number,
): Promise<boolean> {
  const message = owned(data);
  const sized = candidates.filter((c) => c.length === macLength).map(owned);
  for (const key of keys) {
    for (const candidate of sized) {
      if (await crypto.subtle.verify("HMAC", key, candidate, message)) return true;
    }
  }
  return false;
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
        const key = await importHmacKey(bytes, "SHA-256");
        return { key, tag: await hmac(key, bytes) };
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
export function importTextKeys(secrets: readonly string[], hash: HmacHash): Promise<CryptoKey[]> {
  return Promise.all(secrets.map((secret) => importHmacKey(utf8(secret), hash)));
}
