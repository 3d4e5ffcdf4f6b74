import * as z from "zod";
import { DurationSchema } from "../core/duration.js";
import { SCOPES } from "../core/scopes.js";
import { fixParams, httpUrl, nonEmpty, uniqueBy } from "./field-schemas.js";
import { hint } from "./hints.js";

const API_KEY_FIX =
  'add "keys": [{"name": "cdf-functions", "sha256": "<hex SHA-256 of the key>"}]: make a key with ' +
  '"openssl rand -base64 32" and hash it with: printf %s "$KEY" | sha256sum (or configure "oidc")';

const SCOPES_FIX = `list what the caller may do, out of ${SCOPES.map((s) => `"${s}"`).join(", ")}`;

/**
 * What a caller may do (DESIGN.md §4). Omitted, a key keeps the behaviour it had before scopes:
 * every scope but "admin".
 */
const ScopesSchema = hint(z.array(hint(z.enum(SCOPES), { fix: SCOPES_FIX })).min(1), {
  example: '["waits", "deliveries:read"]',
  fix: SCOPES_FIX,
});

/** An API caller's key, stored as its SHA-256 so the config never holds the key itself. */
const ApiKeySchema = z.strictObject({
  name: nonEmpty('"cdf-functions"'),
  sha256: hint(
    z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex characters (a SHA-256 digest)"),
    {
      example: '"<hex SHA-256 of the key>"',
      fix: 'store the hash, not the key: printf %s "$KEY" | sha256sum',
    },
  ),
  scopes: ScopesSchema.optional(),
});

/** Asymmetric algorithms only: a shared-secret or "none" algorithm is never accepted from an IdP. */
const OIDC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];

const CLAIM_FIX =
  'map claim names to a string, number, boolean or list of strings, e.g. {"roles": ["taskgate"]}';

const OidcSchema = z.strictObject({
  issuer: nonEmpty('"https://login.microsoftonline.com/<tenant>/v2.0"'),
  audience: hint(z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]), {
    example: '"api://taskgate"',
    fix: 'use a string or a list of strings, e.g. "api://taskgate"',
  }),
  jwksUrl: httpUrl("https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys"),
  require: hint(
    z
      .record(
        z.string(),
        hint(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]), { fix: CLAIM_FIX }),
      )
      .optional(),
    { example: '{"roles": ["taskgate"]}', fix: CLAIM_FIX },
  ),
  algorithms: hint(
    z
      .array(z.enum(OIDC_ALGORITHMS))
      .min(1)
      .default((): OidcAlgorithm[] => ["RS256", "ES256"]),
    { example: '["RS256", "ES256"]' },
  ),
  /**
   * The claim that lists a caller's taskgate scopes (a list or a space-separated string, such as
   * "roles" or "scp"). Unset, every OIDC caller gets every scope but "admin".
   */
  scopesClaim: hint(z.string().min(1).optional(), { example: '"roles"' }),
  clockTolerance: hint(DurationSchema.prefault("30s"), {
    example: '"30s"',
    fix: 'write the clock tolerance as a duration such as "30s"',
  }),
});

/** How API callers authenticate: hashed keys, OIDC bearer tokens, or both (at least one). */
export const ApiSchema = hint(
  z
    .strictObject({
      keys: z
        .array(ApiKeySchema)
        .superRefine(uniqueBy("name", "give every API key its own name"))
        .superRefine(uniqueBy("sha256", "remove the repeated key or give it its own secret"))
        .optional(),
      oidc: OidcSchema.optional(),
    })
    .superRefine((api, ctx) => {
      if ((api.keys === undefined || api.keys.length === 0) && api.oidc === undefined) {
        ctx.addIssue({
          code: "custom",
          message: "no way to authenticate API callers: neither api.keys nor api.oidc is configured",
          params: fixParams(API_KEY_FIX),
        });
      }
    }),
  {
    example: '{"keys": [{"name": "cdf-functions", "sha256": "<hex SHA-256 of the key>"}]}',
    fix: API_KEY_FIX,
  },
);
