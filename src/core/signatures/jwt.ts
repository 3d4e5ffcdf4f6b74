import {
  type CryptoKey,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  importJWK,
  importSPKI,
  importX509,
  type JWK,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { TaskgateError } from "../errors.js";
import { decodeUtf8, fromBase64Url, utf8 } from "./encoding.js";
import { outOfTolerance, reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { parseJsonObject } from "./json-field.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type JwsAlgorithm, type JwtConfig, type JwtKey, JwtSchema } from "./schemes/jwt.js";
import { cannotSign, type SignedRequest, type SignInput } from "./sign-support.js";
import type { Verifier, VerifyResult } from "./types.js";

/**
 * A JWT in `Authorization: Bearer …`, or a compact JWS as the whole body (then its payload is the
 * webhook's content), checked with jose against a JWKS URL (fetched once, cached, refetched on an
 * unknown `kid`) or fixed keys. The algorithm list is pinned by config: a token's `alg` only
 * selects among those, and `none` is impossible. Expiry, not-before and maximum age map to
 * `timestamp_out_of_tolerance`; everything else to `signature_invalid`.
 *
 * Edges: `exp` is exclusive (RFC 7519: not accepted on or after it), so a token passes while
 * `exp + tolerance > now`; `nbf` and `iat` may be up to the tolerance ahead. A bearer token
 * authenticates the sender only — it does not cover the body; use `token: "body"` (or an HMAC
 * scheme) when the content itself must be signed.
 */

/** The fetch used for the JWKS (tests, or a runtime's own); defaults to the global fetch. */
export type JwtVerifierOptions = VerifierOptions;

type Key = CryptoKey | Uint8Array;
type Candidates = (header: JWSHeaderParameters) => Promise<Key[]>;

/** Keeps a bearer header, and the work spent on it, bounded. */
const MAX_BEARER_LENGTH = 16_384;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

export function createJwtVerifier(config: JwtConfig, options: JwtVerifierOptions = {}): Verifier {
  const candidates = config.jwksUrl
    ? remoteCandidates(config.jwksUrl, options)
    : staticCandidates(config.keys ?? []);
  const allowed = new Set<string>(config.algorithms);

  return async (req, ctx) => {
    const token = extractToken(config, req.headers, req.rawBody);
    let header: JWSHeaderParameters;
    try {
      header = decodeProtectedHeader(token) as JWSHeaderParameters;
    } catch {
      throw reject("jwt", "malformed_header", "the token's header is not valid base64url JSON");
    }
    if (typeof header.alg !== "string" || !allowed.has(header.alg)) {
      throw reject("jwt", "wrong_algorithm", "the token's alg is not one of the configured algorithms");
    }
    const keys = await candidates(header);
    if (keys.length === 0)
      throw reject("jwt", "key_not_found", "no configured key fits the token's alg and kid");

    const toleranceMs = ctx.toleranceMs ?? config.tolerance;
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: config.algorithms,
          issuer: config.issuer,
          audience: config.audience,
          currentDate: new Date(ctx.now),
          clockTolerance: Math.floor(toleranceMs / 1000),
          maxTokenAge: config.maxAge === undefined ? undefined : Math.floor(config.maxAge / 1000),
          requiredClaims: requiredClaims(config),
        });
        return result(config, token, payload);
      } catch (err) {
        if (isWrongKey(err)) continue;
        throw mapJoseError(err);
      }
    }
    throw reject("jwt", "mismatch", "the token's signature does not verify with a configured key");
  };
}

function extractToken(config: JwtConfig, headers: Parameters<typeof getHeader>[0], body: Uint8Array): string {
  if (config.token === "body") {
    const text = body.length <= 1_048_576 ? decodeUtf8(body)?.trim() : undefined;
    if (!text) throw reject("jwt", "malformed_header", "the body is not a compact JWS");
    return checkShape(text, "the body is not a compact JWS");
  }
  const authorization = getHeader(headers, "authorization");
  if (!authorization) throw reject("jwt", "missing_header", "missing the Authorization header");
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(authorization);
  if (!match || authorization.length > MAX_BEARER_LENGTH) {
    throw reject("jwt", "malformed_header", "the Authorization header is not Bearer <JWT>");
  }
  return checkShape(match[1]!, "the bearer token is not a compact JWT");
}

/**
 * Three base64url segments, the signature in canonical form: otherwise a last character that
 * differs only in unused bits would decode to the same signature and verify.
 */
function checkShape(token: string, message: string): string {
  if (!COMPACT_JWS.test(token) || !fromBase64Url(token.slice(token.lastIndexOf(".") + 1))) {
    throw reject("jwt", "malformed_header", message);
  }
  return token;
}

function result(config: JwtConfig, token: string, payload: JWTPayload): VerifyResult {
  const out: { ok: true; messageId?: string; timestamp?: number; body?: Uint8Array } = { ok: true };
  if (typeof payload.jti === "string" && payload.jti !== "") out.messageId = payload.jti;
  if (typeof payload.iat === "number") out.timestamp = payload.iat * 1000;
  if (config.token === "body") out.body = fromBase64Url(token.split(".")[1]!) ?? utf8("");
  return out;
}

/** A key that cannot check this token (another key type, another curve): try the next one. */
function isWrongKey(err: unknown): boolean {
  return (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JOSENotSupported ||
    err instanceof TypeError
  );
}

function mapJoseError(err: unknown): TaskgateError {
  if (err instanceof TaskgateError) return err;
  if (err instanceof errors.JWTExpired) {
    return outOfTolerance("jwt", "stale", `the token is too old (its "${err.claim}" claim)`);
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if ((err.claim === "nbf" || err.claim === "iat") && err.reason === "check_failed") {
      return outOfTolerance("jwt", "future", `the token is not valid yet (its "${err.claim}" claim)`);
    }
    return reject("jwt", "claim_invalid", `the token's "${err.claim}" claim is not accepted (${err.reason})`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return reject("jwt", "wrong_algorithm", "the token's alg is not one of the configured algorithms");
  }
  return reject("jwt", "malformed_header", "the token is not a valid JWT");
}

/** Keys from a JWKS URL; jose caches them and refetches (with a cooldown) on an unknown kid. */
function remoteCandidates(url: string, options: JwtVerifierOptions): Candidates {
  const jwks = createRemoteJWKSet(new URL(url), {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  return async (header) => {
    try {
      return [await jwks(header)];
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) return [];
      if (err instanceof errors.JWKSMultipleMatchingKeys) {
        // Several keys without distinguishing kids: try each (jose leaves this to the caller).
        const keys: Key[] = [];
        for await (const key of err as errors.JWKSMultipleMatchingKeys & AsyncIterable<CryptoKey>)
          keys.push(key);
        return keys;
      }
      if (err instanceof errors.JOSENotSupported) return [];
      // Not the sender's fault and not a 401: a 5xx makes the provider retry later.
      throw new TaskgateError(
        "internal",
        "the sender's signing keys (JWKS) could not be fetched; a retry may succeed",
        {
          details: { scheme: "jwt" },
          cause: err,
        },
      );
    }
  };
}

/** Fixed keys, imported once per algorithm they are used with; a key of another family is skipped. */
function staticCandidates(keys: readonly JwtKey[]): Candidates {
  const cache = new Map<string, Promise<Key | undefined>>();
  return async (header) => {
    const alg = header.alg as JwsAlgorithm;
    const symmetric = alg.startsWith("HS");
    const out: Key[] = [];
    for (const [i, key] of keys.entries()) {
      if (isSymmetric(key) !== symmetric) continue;
      const id = `${i}:${alg}`;
      let imported = cache.get(id);
      if (!imported) {
        imported = importKey(key, alg).catch(() => undefined);
        cache.set(id, imported);
      }
      const value = await imported;
      if (value) out.push(value);
    }
    return out;
  };
}

function isSymmetric(key: JwtKey): boolean {
  return "secret" in key || ("jwk" in key && key.jwk.kty === "oct");
}

async function importKey(key: JwtKey, alg: JwsAlgorithm): Promise<Key> {
  if ("secret" in key) return utf8(key.secret);
  if ("jwk" in key) return importJWK(key.jwk as JWK, alg);
  return key.pem.includes("BEGIN CERTIFICATE") ? importX509(key.pem, alg) : importSPKI(key.pem, alg);
}

/** Only a source with a shared secret can be signed for; public keys cannot sign. */
async function signJwtRequest(config: JwtConfig, input: SignInput): Promise<SignedRequest> {
  const key = (config.keys ?? []).find((k) => "secret" in k);
  const alg = config.algorithms.find((a) => a.startsWith("HS"));
  if (!key || !("secret" in key) || !alg) {
    throw cannotSign("jwt", "only a source with a shared secret (HS256/384/512) can be signed for");
  }
  const seconds = Math.floor(input.now / 1000);
  const claims = config.token === "body" ? parseJsonObject(input.body) : {};
  if (!claims) throw cannotSign("jwt", "a JWS body must be a JSON object (it becomes the claims)");
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg, typ: "JWT" })
    .setIssuedAt(seconds)
    .setExpirationTime(seconds + 300);
  const issuer = Array.isArray(config.issuer) ? config.issuer[0] : config.issuer;
  const audience = Array.isArray(config.audience) ? config.audience[0] : config.audience;
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  if (input.messageId) jwt = jwt.setJti(input.messageId);
  const token = await jwt.sign(utf8(key.secret));
  return config.token === "body"
    ? { url: input.url, headers: { "content-type": "application/jwt" }, body: utf8(token) }
    : { url: input.url, headers: { authorization: `Bearer ${token}` }, body: input.body };
}

export const jwtScheme = defineScheme({
  name: "jwt",
  summary: "a bearer or body JWS checked against a JWKS URL or fixed keys, with pinned algorithms",
  schema: JwtSchema,
  createVerifier: (config, options) => createJwtVerifier(config, options),
  sign: (config, input) => signJwtRequest(config, input),
  // The message id is the token's `jti` claim, which the signature covers.
  messageIdSigned: true,
});

/** `exp` unless the source relaxed it, and `iat` when tokens have a maximum age. */
function requiredClaims(config: JwtConfig): string[] {
  const out: string[] = [];
  if (!config.optionalClaims.includes("exp")) out.push("exp");
  if (config.maxAge !== undefined) out.push("iat");
  return out;
}
