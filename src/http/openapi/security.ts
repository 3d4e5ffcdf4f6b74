import type { Scope } from "../../core/scopes.js";
import { SCHEMES } from "../../core/signatures/registry.js";
import type { RouteAuth } from "./route-doc.js";

/**
 * The document's security schemes. Both are `Authorization: Bearer`; which one a token is, is
 * told by its shape (a JWT is checked against `api.oidc`, anything else against `api.keys`).
 */
export const SECURITY_SCHEMES = {
  apiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "API key",
    description:
      "An API key from `api.keys` in the config (taskgate stores only its SHA-256). Send `Authorization: Bearer <key>`.",
  },
  oidc: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A JWT from the identity provider named in `api.oidc` (issuer, audience, JWKS and required claims are checked). Send `Authorization: Bearer <jwt>`.",
  },
} as const;

/**
 * What each kind of route asks of its caller, as the operation's `security`: OpenAPI 3.1 lets a
 * bearer scheme list the roles it needs, here the route's scope.
 */
export function securityOf(auth: RouteAuth, scope?: Scope): Record<string, string[]>[] {
  const roles = scope ? [scope] : [];
  return auth === "api" ? [{ apiKey: roles }, { oidc: roles }] : [];
}

/** The scope an API route needs, said in prose for readers of /docs. */
export function scopeProse(scope: Scope | undefined): string | null {
  return scope
    ? `**Scope:** \`${scope}\` (or \`admin\`). A key configured without \`scopes\` has every scope but \`admin\`.`
    : null;
}

/** Public routes carry their credential where OpenAPI has no scheme for it: said in prose. */
export function authProse(auth: RouteAuth): string | null {
  switch (auth) {
    case "callback-token":
      return "**Credential:** the signed token in the path (from the wait's `callbackUrl`). It names the wait and expires with it; treat the URL as a secret.";
    case "approval-link":
      return "**Credential:** the signed token in the path, one per approver (from the approval's `links` or its mail). Opening a link never changes anything; only the form's POST records a decision.";
    case "webhook":
      return webhookProse();
    default:
      return null;
  }
}

/** How a webhook proves where it comes from: each source's `verify.scheme`, from the scheme registry. */
function webhookProse(): string {
  return [
    "**Credential:** the webhook's signature, checked on the raw bytes with the source's own secrets (`sources.<name>.verify` in the config). Each source uses one scheme:",
    "",
    ...SCHEMES.map((s) => `- \`${s.name}\`: ${s.summary}`),
  ].join("\n");
}
