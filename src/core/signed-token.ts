import { type CryptoKey, errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { decodeCanonicalBase64url } from "./base64url.js";
import { TaskgateError } from "./errors.js";

/** A signing key from config: the first signs, all verify (rotation without broken links). */
export interface SigningKey {
  kid: string;
  secret: string;
}

/**
 * What a token is for; a token minted for one purpose is useless for any other. `console` is an
 * operator's session cookie, `console-login` the one-time sign-in link local mode prints.
 */
export type TokenPurpose = "callback" | "approval" | "console" | "console-login";

export interface TokenClaims {
  purpose: TokenPurpose;
  /** The wait or approval the token names. */
  subject: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
  /** Extra claims bound into the signature (e.g. the approver). */
  extra?: Record<string, string>;
}

/**
 * HMAC-SHA-256 of `data`'s UTF-8 bytes under `key`, synchronously. A runtime's faster HMAC than
 * Web Crypto's (a thread-pool job per call on Node), handed in through the hasher port.
 */
export type HmacSha256 = (key: Uint8Array, data: string) => Uint8Array;

export interface TokenSignerOptions {
  /** When given, tokens are verified with it instead of jose (same checks, see verifyWithHmac). */
  hmacSha256?: HmacSha256;
}

export type VerifiedToken = JWTPayload & { sub: string };

const ALG = "HS256";
const ISSUER = "taskgate";
const MAX_TOKEN_LENGTH = 4096;

/**
 * Signs and verifies taskgate's own URL tokens. The algorithm is pinned (never taken from the
 * token) and the purpose is bound as the audience, so a callback token cannot open an approval.
 */
export class TokenSigner {
  private readonly secrets: Map<string, Uint8Array<ArrayBuffer>>;
  /** Imported once per key: importing on every verify costs more than the HMAC itself. */
  private readonly keys = new Map<string, Promise<CryptoKey>>();
  private readonly signKid: string;

  private readonly hmac: HmacSha256 | undefined;

  constructor(keys: readonly SigningKey[], options: TokenSignerOptions = {}) {
    this.hmac = options.hmacSha256;
    const first = keys[0];
    if (!first) throw new TaskgateError("config_invalid", "at least one signing key is required");
    const encoder = new TextEncoder();
    // Copied into a plain ArrayBuffer: Workers' TextEncoder types its result as any buffer kind.
    this.secrets = new Map(keys.map((k) => [k.kid, new Uint8Array(encoder.encode(k.secret))]));
    this.signKid = first.kid;
  }

  private key(kid: string): Promise<CryptoKey> | undefined {
    let key = this.keys.get(kid);
    if (!key) {
      const secret = this.secrets.get(kid);
      if (!secret) return undefined;
      key = crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
      this.keys.set(kid, key);
    }
    return key;
  }

  async sign(claims: TokenClaims, now: number, jti: string): Promise<string> {
    return new SignJWT({ ...claims.extra })
      .setProtectedHeader({ alg: ALG, kid: this.signKid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(`${ISSUER}:${claims.purpose}`)
      .setSubject(claims.subject)
      .setJti(jti)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(claims.expiresAt / 1000))
      .sign(await this.key(this.signKid)!);
  }

  /** Verifies a token for `purpose` at `now`; throws `token_invalid` or `token_expired`. */
  async verify(token: string, purpose: TokenPurpose, now: number): Promise<VerifiedToken> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
    const parts = canonicalParts(token);
    if (!parts) throw invalid();
    if (this.hmac) return this.verifyWithHmac(this.hmac, token, parts, purpose, now);
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.key(header.kid);
          if (!key) throw invalid();
          return key;
        },
        {
          algorithms: [ALG],
          issuer: ISSUER,
          audience: `${ISSUER}:${purpose}`,
          currentDate: new Date(now),
          requiredClaims: ["sub", "exp", "jti"],
          clockTolerance: 0,
        },
      );
      return payload as VerifiedToken;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw expired();
      if (err instanceof TaskgateError) throw err;
      throw invalid();
    }
  }

  /**
   * The checks jose's `jwtVerify` makes with the options above, in its order, on a synchronous
   * HMAC: the header is a JSON object naming HS256 and a configured kid (no `crit`: taskgate
   * never mints one, and jose accepts only `b64` there), the signature matches in constant time, the payload is a JSON
   * object with `iss`, `aud` (this purpose), `sub`, `exp` and `jti`, a numeric `iat` and `nbf`
   * when present, `nbf` not in the future, and `exp` after now (else `token_expired`).
   */
  private verifyWithHmac(
    hmac: HmacSha256,
    token: string,
    [header, payload, signature]: DecodedParts,
    purpose: TokenPurpose,
    now: number,
  ): VerifiedToken {
    const head = jsonObject(header);
    if (!head || head.alg !== ALG || typeof head.kid !== "string" || "crit" in head) {
      throw invalid();
    }
    const secret = this.secrets.get(head.kid);
    if (!secret) throw invalid();
    const signed = token.slice(0, token.lastIndexOf("."));
    if (!constantTimeEqual(hmac(secret, signed), signature)) throw invalid();
    const claims = jsonObject(payload);
    if (!claims) throw invalid();
    for (const claim of ["iss", "aud", "sub", "exp", "jti"]) {
      if (!Object.hasOwn(claims, claim)) throw invalid();
    }
    const audience = `${ISSUER}:${purpose}`;
    const aud = claims.aud;
    if (claims.iss !== ISSUER) throw invalid();
    if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience))) throw invalid();
    const seconds = Math.floor(now / 1000);
    for (const claim of ["iat", "nbf"]) {
      if (claims[claim] !== undefined && typeof claims[claim] !== "number") throw invalid();
    }
    if (typeof claims.nbf === "number" && claims.nbf > seconds) throw invalid();
    if (typeof claims.exp !== "number") throw invalid();
    if (claims.exp <= seconds) throw expired();
    return claims as VerifiedToken;
  }
}

type DecodedParts = [Uint8Array, Uint8Array, Uint8Array];

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** A JSON object from UTF-8 bytes, or undefined for anything else (as jose's strict decoding). */
function jsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes));
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Compares all bytes whatever differs first, so the time taken tells nothing about the MAC. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Whether each of the token's three parts is base64url exactly as it is written: no padding, no
 * other alphabet, no stray low bits in the last character. A token has one spelling, so a link
 * that differs from the one handed out (a trailing `=`, say) is not the same link. Returns the
 * parts decoded (once), or undefined.
 */
function canonicalParts(token: string): DecodedParts | undefined {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 0 || second < 0 || token.indexOf(".", second + 1) >= 0) return undefined;
  const header = decodeCanonicalBase64url(token.slice(0, first));
  const payload = header && decodeCanonicalBase64url(token.slice(first + 1, second));
  const signature = payload && decodeCanonicalBase64url(token.slice(second + 1));
  return signature ? [header, payload, signature] : undefined;
}

function invalid(): TaskgateError {
  return new TaskgateError("token_invalid", "the token is not valid");
}

function expired(): TaskgateError {
  return new TaskgateError("token_expired", "the link has expired");
}
