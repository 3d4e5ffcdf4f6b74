import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import type { Clock } from "../ports/clock.js";

/** ES256 runs on Web Crypto everywhere (Node, workerd, Deno, Bun) and keeps tokens short. */
export const SIGNING_ALG = "ES256";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenRequest {
  issuer: string;
  subject: string;
  audience?: string | string[] | undefined;
  lifetimeSeconds: number;
  /** Extra claims; they win over the defaults so tests can forge a wrong `iss` or an old `exp`. */
  claims?: Record<string, unknown> | undefined;
}

/**
 * The emulator's identity provider: one in-memory key for its lifetime, tokens it signed, and a
 * register of those tokens so "revoke everything issued so far" is possible (real IdPs cannot do
 * that, but CDF can stop accepting a token, and taskgate must then fetch a new one).
 */
export class IdentityProvider {
  private keyPromise: Promise<SigningKey> | undefined;
  /** jti → exp (epoch seconds) of every token still accepted. */
  private readonly accepted = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /**
   * Made on first use, not at construction: Workers forbid generating keys (or any randomness) in
   * global scope, and a composition root may well create the emulator there.
   */
  private key(): Promise<SigningKey> {
    this.keyPromise ??= createSigningKey();
    return this.keyPromise;
  }

  async sign(request: TokenRequest): Promise<{ token: string; payload: JWTPayload }> {
    const key = await this.key();
    const iat = Math.floor(this.clock.now() / 1000);
    const payload: JWTPayload = {
      iss: request.issuer,
      sub: request.subject,
      aud: request.audience ?? request.issuer,
      iat,
      nbf: iat,
      exp: iat + request.lifetimeSeconds,
      jti: crypto.randomUUID(),
      ...request.claims,
    };
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: "JWT" })
      .sign(key.privateKey);
    this.prune(iat);
    if (typeof payload.jti === "string") this.accepted.set(payload.jti, Number(payload.exp ?? 0));
    return { token, payload };
  }

  /** True for a token this IdP signed, not expired by the injected clock, and not revoked. */
  async accepts(token: string): Promise<boolean> {
    const key = await this.key();
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [SIGNING_ALG],
        currentDate: new Date(this.clock.now()),
      });
      return typeof payload.jti === "string" && this.accepted.has(payload.jti);
    } catch {
      return false;
    }
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const key = await this.key();
    return { keys: [{ ...key.publicJwk }] };
  }

  /** Every token issued so far stops being accepted; new ones work. */
  revokeAll(): void {
    this.accepted.clear();
  }

  private prune(nowSeconds: number): void {
    for (const [jti, exp] of this.accepted) if (exp < nowSeconds) this.accepted.delete(jti);
  }
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG);
  const kid = crypto.randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}
