import * as z from "zod";
import { DurationSchema } from "../../duration.js";
import { fix, MAX_SECRETS, secretText, tolerance } from "../schema-parts.js";

export const JWS_ALGORITHMS = [
  "HS256",
  "HS384",
  "HS512",
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
  "Ed25519",
] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

const algorithm = z
  .string()
  .superRefine((value, ctx) => {
    if (value.toLowerCase() === "none") {
      ctx.addIssue({
        code: "custom",
        message: '"none" is never accepted: an unsigned token proves nothing',
        params: fix(`pin the algorithm the sender signs with, one of ${JWS_ALGORITHMS.join(", ")}`),
      });
    } else if (!(JWS_ALGORITHMS as readonly string[]).includes(value)) {
      ctx.addIssue({
        code: "custom",
        message: "is not a supported JWS algorithm",
        params: fix(`use one of ${JWS_ALGORITHMS.join(", ")}`),
      });
    }
  })
  .transform((value) => value as JwsAlgorithm);

const jwk = z.looseObject({ kty: z.string() }).superRefine((value, ctx) => {
  if ("d" in value) {
    ctx.addIssue({
      code: "custom",
      path: ["d"],
      message: "is a private key; verification needs only the public key",
      params: fix('remove "d" (and any other private members)'),
    });
  }
});

export const JwtKeySchema = z.union([
  z.strictObject({ pem: z.string().includes("-----BEGIN ", { message: "is not PEM" }) }),
  z.strictObject({ jwk }),
  z.strictObject({ secret: secretText }),
]);

const jwksUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "is not a URL", params: fix("use an https:// URL") });
    return;
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    ctx.addIssue({
      code: "custom",
      message: "must be https (keys fetched in clear text could be replaced)",
      params: fix("use an https:// URL (http:// only for localhost)"),
    });
  }
});

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const JwtSchema = z
  .strictObject({
    scheme: z.literal("jwt"),
    /** Where the token is: `Authorization: Bearer …`, or the whole body is a compact JWS. */
    token: z.enum(["bearer", "body"]).default("bearer"),
    jwksUrl: jwksUrl.optional(),
    keys: z.array(JwtKeySchema).min(1).max(MAX_SECRETS).optional(),
    /** Pinned; the token's own `alg` is only checked against this list, never trusted. */
    algorithms: z.array(algorithm).superRefine((list, ctx) => {
      if (list.length === 0) {
        ctx.addIssue({
          code: "custom",
          message: "needs at least one algorithm",
          params: fix('pin the algorithm the sender uses, e.g. ["RS256"]'),
        });
      }
    }),
    issuer: stringOrList.optional(),
    audience: stringOrList.optional(),
    /** Refuses tokens whose `iat` is older than this (and requires `iat`). */
    maxAge: DurationSchema.optional(),
    /** Clock difference accepted on `exp`, `nbf` and `iat`. */
    tolerance,
    /**
     * A bearer token authenticates the sender, not the body: such a source must say so with
     * `false` (a captured token could carry another body until it expires).
     */
    bindsBody: z.boolean().optional(),
    /** Claims a token may lack: `exp`, `iss` and `aud` are required unless listed here. */
    optionalClaims: z.array(z.enum(["exp", "iss", "aud"])).default([]),
  })
  .superRefine((config, ctx) => {
    if (config.token === "bearer" && config.bindsBody !== false) {
      ctx.addIssue({
        code: "custom",
        path: ["bindsBody"],
        message: "a bearer token does not sign the body, so the body could be swapped under a captured token",
        params: fix(
          'set "bindsBody": false to accept that, or have the sender sign the body ("token": "body")',
        ),
      });
    }
    const optional = new Set(config.optionalClaims);
    if (config.issuer === undefined && !optional.has("iss")) {
      ctx.addIssue({
        code: "custom",
        path: ["issuer"],
        message: "is required: without it a token from any issuer trusted by the keys is accepted",
        params: fix('set "issuer" to the sender\'s iss, or add "iss" to optionalClaims'),
      });
    }
    if (config.audience === undefined && !optional.has("aud")) {
      ctx.addIssue({
        code: "custom",
        path: ["audience"],
        message: "is required: without it a token minted for any audience is accepted",
        params: fix(
          'set "audience" to the aud the sender mints for taskgate, or add "aud" to optionalClaims',
        ),
      });
    }
    if ((config.jwksUrl === undefined) === (config.keys === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["jwksUrl"],
        message: "set exactly one of jwksUrl and keys",
        params: fix('use "jwksUrl" for a provider that publishes its keys, "keys" for a fixed key'),
      });
    }
    const symmetricKeys = (config.keys ?? []).some(
      (k) => "secret" in k || ("jwk" in k && k.jwk.kty === "oct"),
    );
    const asymmetricKeys =
      config.jwksUrl !== undefined ||
      (config.keys ?? []).some((k) => "pem" in k || ("jwk" in k && k.jwk.kty !== "oct"));
    config.algorithms.forEach((alg, i) => {
      const hs = alg.startsWith("HS");
      if (hs && !symmetricKeys) {
        ctx.addIssue({
          code: "custom",
          path: ["algorithms", i],
          message: `${alg} needs a shared secret, and none is configured`,
          params: fix(
            `add {"secret": "\${env:NAME}"} to keys, or pin the asymmetric algorithm the sender uses`,
          ),
        });
      }
      if (!hs && !asymmetricKeys) {
        ctx.addIssue({
          code: "custom",
          path: ["algorithms", i],
          message: `${alg} needs a public key, and only shared secrets are configured`,
          params: fix("add a pem or jwk key, or a jwksUrl"),
        });
      }
    });
  });

export type JwtConfig = z.output<typeof JwtSchema>;
export type JwtKey = z.output<typeof JwtKeySchema>;
