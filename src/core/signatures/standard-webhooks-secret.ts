import type { CryptoKey } from "jose";
import { concatBytes, fromBase64Lenient, fromHex, owned } from "./encoding.js";

/**
 * Standard Webhooks (and Svix) key formats, exactly as their libraries read them: `whsec_` + base64
 * is an HMAC secret and the *decoded* bytes are the key (a bare base64 string is read the same
 * way); `whpk_` + base64 is a 32-byte Ed25519 public key; `whsk_` + base64 is the Ed25519 private
 * key (its 32-byte seed, optionally followed by the public key), which verifies too and lets
 * `taskgate send` sign v1a.
 */
export type StandardWebhooksKey =
  | { kind: "hmac"; secret: Uint8Array<ArrayBuffer> }
  | { kind: "ed25519-public"; publicKey: Uint8Array<ArrayBuffer> }
  | { kind: "ed25519-private"; seed: Uint8Array<ArrayBuffer> };

export function parseStandardWebhooksSecret(secret: string): StandardWebhooksKey | { error: string } {
  const [prefix, body] = splitPrefix(secret);
  const bytes = fromBase64Lenient(body);
  if (!bytes || bytes.length === 0) {
    return {
      error: `is not ${prefix ?? "whsec_"}<base64>: the part after the prefix must be non-empty base64`,
    };
  }
  switch (prefix) {
    case "whpk_":
      return bytes.length === 32
        ? { kind: "ed25519-public", publicKey: bytes }
        : { error: `is not an Ed25519 public key: whpk_ must hold 32 bytes, this holds ${bytes.length}` };
    case "whsk_":
      return bytes.length === 32 || bytes.length === 64
        ? { kind: "ed25519-private", seed: bytes.slice(0, 32) }
        : {
            error: `is not an Ed25519 private key: whsk_ must hold 32 (or 64) bytes, this holds ${bytes.length}`,
          };
    default:
      return { kind: "hmac", secret: bytes };
  }
}

function splitPrefix(secret: string): [string | undefined, string] {
  for (const prefix of ["whsec_", "whpk_", "whsk_"]) {
    if (secret.startsWith(prefix)) return [prefix, secret.slice(prefix.length)];
  }
  return [undefined, secret];
}

/** PKCS#8 wrapper of a raw Ed25519 seed (RFC 8410), the only private-key import Web Crypto offers. */
const PKCS8_ED25519_PREFIX = fromHex("302e020100300506032b657004220420")!;

export function importEd25519Private(seed: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "pkcs8",
    concatBytes(PKCS8_ED25519_PREFIX, seed),
    { name: "Ed25519" },
    true,
    ["sign"],
  );
}

export function importEd25519Public(publicKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", owned(publicKey), { name: "Ed25519" }, false, ["verify"]);
}

/** The public half of a private key, through its JWK export (Web Crypto has no direct derivation). */
export async function ed25519PublicFromPrivate(privateKey: CryptoKey): Promise<CryptoKey> {
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  // The Workers types widen a JWK export to raw bytes too; a JWK export never is.
  if (jwk instanceof ArrayBuffer) throw new TypeError("the JWK export of an Ed25519 key returned bytes");
  return crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "Ed25519", x: jwk.x },
    { name: "Ed25519" },
    false,
    ["verify"],
  );
}
