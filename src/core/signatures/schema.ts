import * as z from "zod";
import { DurationSchema } from "../duration.js";
import { fromBase64Lenient, fromHexAnyCase } from "./encoding.js";
import { parseStandardWebhooksSecret } from "./standard-webhooks-secret.js";

/**
 * `verify` of a source (DESIGN.md §2): one strict object per scheme, discriminated on `scheme`.
 * Everything a verifier needs is checked here, at start-up, so a bad secret format is reported
 * with its path and a fix instead of failing the first real webhook. Custom issues carry
 * `params.fix`, which the config loader prints.
 */

const MAX_SECRETS = 16;

function fix(text: string) {
  return { fix: text };
}

/** A secret as written in config (after `${env:…}` interpolation). */
const secretText = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    if (value.trim() !== value) {
      ctx.addIssue({
        code: "custom",
        message: "has leading or trailing whitespace",
        params: fix("remove it (often a trailing newline in the environment variable)"),
      });
    }
  });

function secretList(what: string, item: z.ZodType<string> = secretText) {
  return z.array(item).superRefine((list, ctx) => {
    if (list.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `needs at least one ${what}`,
        params: fix(`add ["\${env:NAME}"] holding the ${what}`),
      });
    }
    if (list.length > MAX_SECRETS) {
      ctx.addIssue({
        code: "custom",
        message: `at most ${MAX_SECRETS} ${what}s`,
        params: fix("remove retired secrets: two (old and new) are enough for a rotation"),
      });
    }
  });
}

/** The accepted clock difference for schemes that sign a timestamp: 5 minutes unless set. */
const tolerance = DurationSchema.refine((ms) => ms >= 1_000 && ms <= 3_600_000, {
  message: "must be between 1s and 1h",
  params: fix('use a duration such as "5m" (the providers\' own default)'),
}).prefault("5m");

/** An HTTP header name, lower-cased (headers arrive lower-cased). */
const headerName = z
  .string()
  .superRefine((value, ctx) => {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "is not an HTTP header name",
        params: fix('use a header name such as "x-signature"'),
      });
    }
  })
  .transform((name) => name.toLowerCase());

const standardWebhooksSecret = secretText.superRefine((value, ctx) => {
  const parsed = parseStandardWebhooksSecret(value);
  if ("error" in parsed) {
    ctx.addIssue({
      code: "custom",
      message: parsed.error,
      params: fix(
        'use the endpoint secret exactly as shown by the sender, e.g. "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"',
      ),
    });
  }
});

export const StandardWebhooksSchema = z.strictObject({
  scheme: z.literal("standard-webhooks"),
  /** `whsec_…` HMAC secrets and/or `whpk_…` Ed25519 public keys; any one verifying is enough. */
  secrets: secretList("secret", standardWebhooksSecret),
  tolerance,
});

export const SvixSchema = z.strictObject({
  scheme: z.literal("svix"),
  secrets: secretList("secret", standardWebhooksSecret),
  tolerance,
});

export const GithubSchema = z.strictObject({
  scheme: z.literal("github"),
  secrets: secretList("webhook secret"),
});

const stripeSecret = secretText.superRefine((value, ctx) => {
  if (/^(sk|rk|pk)_/.test(value)) {
    ctx.addIssue({
      code: "custom",
      message: "is a Stripe API key, not the endpoint's signing secret",
      params: fix("use the endpoint's signing secret (whsec_…) from the Stripe dashboard or `stripe listen`"),
    });
  }
});

export const StripeSchema = z.strictObject({
  scheme: z.literal("stripe"),
  /** Used whole, `whsec_` included, as UTF-8 text (Stripe does not base64-decode it). */
  secrets: secretList("signing secret", stripeSecret),
  tolerance,
});

export const SlackSchema = z.strictObject({
  scheme: z.literal("slack"),
  secrets: secretList("signing secret"),
  tolerance,
});

export const ShopifySchema = z.strictObject({
  scheme: z.literal("shopify"),
  /** The app's client secret (API secret key), as UTF-8 text. */
  secrets: secretList("client secret"),
});

export const TwilioSchema = z.strictObject({
  scheme: z.literal("twilio"),
  /** Auth tokens: the primary and, during a rotation, the secondary. */
  secrets: secretList("auth token"),
});

export const DocusignSchema = z.strictObject({
  scheme: z.literal("docusign"),
  /** Connect HMAC keys, as UTF-8 text; DocuSign sends one signature header per active key. */
  secrets: secretList("Connect HMAC key"),
});

export const HMAC_PLACEHOLDERS = ["body", "timestamp", "id"] as const;

export const HmacSchema = z
  .strictObject({
    scheme: z.literal("hmac"),
    secrets: secretList("secret"),
    /** How each secret turns into key bytes. */
    secretEncoding: z.enum(["utf8", "base64", "hex"]).default("utf8"),
    header: headerName,
    algorithm: z.enum(["SHA-256", "SHA-512"]).default("SHA-256"),
    encoding: z.enum(["hex", "base64"]).default("hex"),
    /** Text before the MAC in the header, e.g. `sha256=`. */
    prefix: z.string().max(32).default(""),
    /** When the header may carry several signatures (e.g. `,` for `v1=…,v1=…`). */
    separator: z.string().min(1).max(4).optional(),
    timestampHeader: headerName.optional(),
    timestampFormat: z.enum(["unix", "unix-ms", "iso8601"]).default("unix"),
    /** Header holding the provider's delivery id: the message id and the `{id}` placeholder. */
    idHeader: headerName.optional(),
    /** What is signed; `{body}` is the raw body bytes, `{timestamp}` and `{id}` the header values. */
    template: z.string().min(1).max(256).default("{body}"),
    tolerance,
  })
  .superRefine((config, ctx) => {
    const placeholders = [...config.template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
    const unknown = placeholders.filter((p) => !(HMAC_PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["template"],
        message: `unknown placeholder {${unknown[0]}}`,
        params: fix('use only {body}, {timestamp} and {id}, e.g. "{timestamp}.{body}"'),
      });
    }
    if (placeholders.filter((p) => p === "body").length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["template"],
        message: "must contain {body} exactly once (otherwise the body is not signed)",
        params: fix('e.g. "{body}" or "{timestamp}.{body}"'),
      });
    }
    const signsTimestamp = placeholders.includes("timestamp");
    if (signsTimestamp && !config.timestampHeader) {
      ctx.addIssue({
        code: "custom",
        path: ["timestampHeader"],
        message: "missing: the template uses {timestamp}",
        params: fix('name the header that carries it, e.g. "x-timestamp"'),
      });
    }
    if (config.timestampHeader && !signsTimestamp) {
      ctx.addIssue({
        code: "custom",
        path: ["template"],
        message: "does not contain {timestamp}, so the timestamp would not be signed and could be replayed",
        params: fix('add it, e.g. "{timestamp}.{body}", or remove timestampHeader'),
      });
    }
    if (placeholders.includes("id") && !config.idHeader) {
      ctx.addIssue({
        code: "custom",
        path: ["idHeader"],
        message: "missing: the template uses {id}",
        params: fix('name the header that carries it, e.g. "x-webhook-id"'),
      });
    }
    config.secrets.forEach((secret, i) => {
      if (config.secretEncoding === "utf8") return;
      const bytes = config.secretEncoding === "base64" ? fromBase64Lenient(secret) : fromHexAnyCase(secret);
      if (!bytes || bytes.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["secrets", i],
          message: `is not ${config.secretEncoding}`,
          params: fix(`write the secret in ${config.secretEncoding}, or set "secretEncoding": "utf8"`),
        });
      }
    });
  });

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
  })
  .superRefine((config, ctx) => {
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

export const BasicSchema = z.strictObject({
  scheme: z.literal("basic"),
  credentials: z
    .array(
      z.strictObject({
        username: z
          .string()
          .min(1)
          .refine((u) => !u.includes(":"), {
            message: "must not contain ':'",
            params: fix("choose a user name without a colon (Basic auth splits on the first one)"),
          }),
        password: secretText,
      }),
    )
    .min(1)
    .max(MAX_SECRETS),
});

export const ApiKeySchema = z.strictObject({
  scheme: z.literal("api-key"),
  header: headerName.default("x-api-key"),
  /** Text before the key in the header, e.g. `Bearer `. */
  prefix: z.string().max(32).default(""),
  keys: secretList("key"),
});

export const NoneSchema = z
  .strictObject({
    scheme: z.literal("none"),
    allowUnsigned: z.boolean().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.allowUnsigned !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["allowUnsigned"],
        message: "an unsigned source accepts callbacks from anyone who knows its URL",
        params: fix(
          'configure the provider\'s signature scheme, or set "allowUnsigned": true to accept that risk',
        ),
      });
    }
  });

/** A source's `verify` block. */
export const VerifySchema = z.discriminatedUnion("scheme", [
  StandardWebhooksSchema,
  SvixSchema,
  GithubSchema,
  StripeSchema,
  SlackSchema,
  ShopifySchema,
  TwilioSchema,
  DocusignSchema,
  HmacSchema,
  JwtSchema,
  BasicSchema,
  ApiKeySchema,
  NoneSchema,
]);

/** A validated `verify` block: defaults applied, durations in milliseconds, header names lower-case. */
export type SchemeConfig = z.output<typeof VerifySchema>;
/** The `verify` block as written. */
export type SchemeConfigInput = z.input<typeof VerifySchema>;

export type StandardWebhooksConfig = z.output<typeof StandardWebhooksSchema>;
export type SvixConfig = z.output<typeof SvixSchema>;
export type GithubConfig = z.output<typeof GithubSchema>;
export type StripeConfig = z.output<typeof StripeSchema>;
export type SlackConfig = z.output<typeof SlackSchema>;
export type ShopifyConfig = z.output<typeof ShopifySchema>;
export type TwilioConfig = z.output<typeof TwilioSchema>;
export type DocusignConfig = z.output<typeof DocusignSchema>;
export type HmacConfig = z.output<typeof HmacSchema>;
export type JwtConfig = z.output<typeof JwtSchema>;
export type JwtKey = z.output<typeof JwtKeySchema>;
export type BasicConfig = z.output<typeof BasicSchema>;
export type ApiKeyConfig = z.output<typeof ApiKeySchema>;
export type NoneConfig = z.output<typeof NoneSchema>;
