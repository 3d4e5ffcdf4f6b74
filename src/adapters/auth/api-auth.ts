import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { sha256Hex } from "../../core/canonical-json.js";
import { TaskgateError } from "../../core/errors.js";
import { DEFAULT_SCOPES, type Scope, scopesFromClaim } from "../../core/scopes.js";
import type { Authenticate } from "../../ports/authenticate.js";
import type { Clock } from "../../ports/clock.js";
import type { Sha256Hex } from "../../ports/hasher.js";

export interface ApiAuthConfig {
  keys?: { name: string; sha256: string; scopes?: Scope[] | undefined }[] | undefined;
  oidc?:
    | {
        issuer: string;
        audience: string | string[];
        jwksUrl: string;
        require?: Record<string, string | number | boolean | string[]> | undefined;
        /** The claim listing the caller's scopes; unset, every OIDC caller has DEFAULT_SCOPES. */
        scopesClaim?: string | undefined;
        algorithms: string[];
        clockToleranceMs: number;
      }
    | undefined;
}

/**
 * API authentication: keys are compared by their SHA-256 (the config never holds a key), and a
 * token that looks like a JWT is verified against the OIDC provider's JWKS (cached by jose,
 * refetched on an unknown kid), with issuer, audience, pinned algorithms and required claims.
 */
export function createApiAuthenticator(
  config: ApiAuthConfig,
  clock: Clock,
  sha256: Sha256Hex = sha256Hex,
): Authenticate {
  const keys = new Map(
    (config.keys ?? []).map((k) => [
      k.sha256.toLowerCase(),
      { name: k.name, scopes: k.scopes ?? DEFAULT_SCOPES },
    ]),
  );
  const oidc = config.oidc;
  const jwks = oidc
    ? createRemoteJWKSet(new URL(oidc.jwksUrl), { cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 })
    : undefined;

  return async (bearer) => {
    if (bearer.length === 0 || bearer.length > 8192) throw unauthorized();
    if (oidc && jwks && bearer.split(".").length === 3) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(bearer, jwks, {
          issuer: oidc.issuer,
          audience: oidc.audience,
          algorithms: oidc.algorithms,
          clockTolerance: Math.round(oidc.clockToleranceMs / 1000),
          currentDate: new Date(clock.now()),
          // A token without exp would be good forever once leaked; aud is checked by `audience`.
          requiredClaims: ["exp"],
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw unauthorized("the bearer token has expired");
        throw unauthorized();
      }
      const missing = Object.entries(oidc.require ?? {}).find(
        ([claim, want]) => !claimSatisfies(payload[claim], want),
      );
      if (missing) throw new TaskgateError("forbidden", `the token lacks the required claim "${missing[0]}"`);
      const scopes = oidc.scopesClaim ? scopesFromClaim(payload[oidc.scopesClaim]) : DEFAULT_SCOPES;
      return { kind: "oidc", name: String(payload.sub ?? payload.azp ?? "unknown"), scopes };
    }
    const key = keys.get(await sha256(bearer));
    if (key === undefined) throw unauthorized();
    return { kind: "api-key", name: key.name, scopes: key.scopes };
  };
}

/** A required claim is met when equal, or, for list claims (roles, groups), when it is included. */
function claimSatisfies(actual: unknown, want: string | number | boolean | string[]): boolean {
  const wanted = Array.isArray(want) ? want : [want];
  if (Array.isArray(actual)) return wanted.every((w) => actual.includes(w));
  if (
    typeof actual === "string" &&
    typeof want !== "boolean" &&
    !Array.isArray(want) &&
    typeof want === "string"
  ) {
    return actual === want || actual.split(" ").includes(want);
  }
  return wanted.length === 1 && actual === wanted[0];
}

function unauthorized(message = "a valid API key or bearer token is required"): TaskgateError {
  return new TaskgateError("unauthorized", message);
}
