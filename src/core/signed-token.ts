import { base64url, type CryptoKey, errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
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

  constructor(keys: readonly SigningKey[]) {
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
  async verify(token: string, purpose: TokenPurpose, now: number): Promise<JWTPayload & { sub: string }> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !canonical(token)) throw invalid();
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
      return payload as JWTPayload & { sub: string };
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        throw new TaskgateError("token_expired", "the link has expired");
      }
      if (err instanceof TaskgateError) throw err;
      throw invalid();
    }
  }
}

/**
 * Whether each of the token's three parts is base64url exactly as it is written: no padding, no
 * other alphabet, no stray low bits in the last character. A token has one spelling, so a link
 * that differs from the one handed out (a trailing `=`, say) is not the same link.
 */
function canonical(token: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  return parts.every((part) => {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) return false;
    try {
      return base64url.encode(base64url.decode(part)) === part;
    } catch {
      return false;
    }
  });
}

function invalid(): TaskgateError {
  return new TaskgateError("token_invalid", "the token is not valid");
}
