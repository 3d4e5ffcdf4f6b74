import * as z from "zod";
import { DurationSchema } from "../core/duration.js";
import { hint } from "./hints.js";
import { envRef } from "./interpolate.js";
import { SourcesSchema } from "./sources-schema.js";

/**
 * The whole taskgate configuration document (DESIGN.md §2), for what this release supports.
 * Every object is strict so a typo is reported, never silently ignored; durations arrive in ms and
 * every default is applied, so the rest of the code reads one fully-specified object.
 */

const SECRET_FIX = 'use a random secret of at least 32 characters, e.g. from "openssl rand -base64 48"';
const API_KEY_FIX =
  'add "keys": [{"name": "cdf-functions", "sha256": "<hex SHA-256 of the key>"}]: make a key with ' +
  '"openssl rand -base64 32" and hash it with: printf %s "$KEY" | sha256sum (or configure "oidc")';

/** A fix attached to a custom issue; parse.ts prefers it over any hint. */
function fixParams(fix: string) {
  return { fix };
}

function httpUrlError(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http(s) URL";
  if (url.username !== "" || url.password !== "") return "must not contain a user name or password";
  return undefined;
}

/** An absolute http(s) URL, kept as written (token and JWKS endpoints may carry a query). */
function httpUrl(example: string) {
  return hint(
    z.string().superRefine((value, ctx) => {
      const error = httpUrlError(value);
      if (error)
        ctx.addIssue({ code: "custom", message: error, params: fixParams(`use a URL like ${example}`) });
    }),
    { example: JSON.stringify(example) },
  );
}

/** A URL other paths are appended to: no query or fragment, and no trailing slash afterwards. */
function baseUrl(example: string) {
  return hint(
    z
      .string()
      .superRefine((value, ctx) => {
        let error = httpUrlError(value);
        if (!error) {
          const url = new URL(value);
          if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) {
            error = "must not have a query or fragment";
          }
        }
        if (error)
          ctx.addIssue({ code: "custom", message: error, params: fixParams(`use a URL like ${example}`) });
      })
      .transform((value) => new URL(value).href.replace(/\/+$/, "")),
    { example: JSON.stringify(example) },
  );
}

function nonEmpty(example: string, fix?: string) {
  return hint(z.string().min(1), fix === undefined ? { example } : { example, fix });
}

function duration(fallback: string, what: string) {
  return hint(
    DurationSchema.refine((ms) => ms > 0, {
      message: "must be longer than 0",
      params: fixParams(`use a positive duration, e.g. "${fallback}"`),
    }).prefault(fallback),
    { example: `"${fallback}"`, fix: `write ${what} as a duration such as "${fallback}"` },
  );
}

function int(min: number, max: number, fallback: number) {
  return hint(z.int().min(min).max(max).default(fallback), {
    example: String(fallback),
    fix: `use a whole number from ${min} to ${max}`,
  });
}

/** Reports entries of a list whose `field` repeats an earlier entry's, naming the first by index. */
function uniqueBy<T>(field: keyof T & string, fix: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const first = new Map<unknown, number>();
    items.forEach((item, i) => {
      const value = item[field];
      const seen = first.get(value);
      if (seen === undefined) first.set(value, i);
      else {
        ctx.addIssue({
          code: "custom",
          path: [i, field],
          message: `duplicate ${field} (entry [${seen}] has the same)`,
          params: fixParams(fix),
        });
      }
    });
  };
}

export const ServerSchema = z.strictObject({
  host: hint(z.string().min(1).default("0.0.0.0"), { example: '"0.0.0.0"' }),
  port: int(1, 65_535, 8080),
  /** Bodies above this are refused before they are read whole (DESIGN §5). */
  bodyLimitBytes: int(1, 10 * 1024 * 1024, 256 * 1024),
  /** Believe the first X-Forwarded-For hop as the client address (only behind a proxy that sets it). */
  trustProxy: z.boolean().default(false),
});

export const CdfAuthSchema = hint(
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("client_credentials"),
      tokenUrl: httpUrl("https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"),
      clientId: nonEmpty('"<client id>"'),
      clientSecret: nonEmpty(
        `"${envRef("CDF_CLIENT_SECRET")}"`,
        `set it from the environment: ${envRef("CDF_CLIENT_SECRET")}`,
      ),
      scopes: hint(z.array(z.string().min(1)).min(1), {
        example: '["https://<cluster>.cognitedata.com/.default"]',
        fix: 'list at least one scope, e.g. ["https://<cluster>.cognitedata.com/.default"]',
      }),
    }),
    z.strictObject({
      type: z.literal("token"),
      token: nonEmpty(`"${envRef("CDF_TOKEN")}"`, `set it from the environment: ${envRef("CDF_TOKEN")}`),
    }),
  ]),
  {
    example: `{"type": "client_credentials", "tokenUrl": "...", "clientId": "...", "clientSecret": "${envRef("CDF_CLIENT_SECRET")}", "scopes": ["..."]}`,
  },
);

export const CdfSchema = hint(
  z.strictObject({
    baseUrl: baseUrl("https://westeurope-1.cognitedata.com"),
    project: nonEmpty('"<your CDF project>"'),
    auth: CdfAuthSchema,
    appName: hint(z.string().min(1).default("taskgate"), { example: '"taskgate"' }),
    timeout: duration("30s", "the CDF call timeout"),
  }),
  {
    example:
      '{"baseUrl": "https://<cluster>.cognitedata.com", "project": "<your CDF project>", "auth": {"type": "client_credentials", ...}}',
  },
);

export const StorageSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("sqlite"),
    path: nonEmpty('"./data/taskgate.db"'),
    synchronous: z.enum(["normal", "full"]).default("normal"),
  }),
  z.strictObject({
    kind: z.literal("postgres"),
    url: hint(
      z
        .string()
        .min(1)
        .refine((value) => /^postgres(ql)?:\/\//.test(value), {
          message: "must be a postgres:// or postgresql:// connection URL",
        }),
      {
        example: `"${envRef("DATABASE_URL")}"`,
        fix: `use a URL like postgresql://user:password@host:5432/taskgate, ideally from ${envRef("DATABASE_URL")}`,
      },
    ),
    poolSize: int(1, 1000, 10),
  }),
  z.strictObject({ kind: z.literal("memory") }),
  /** Cloudflare Workers only: the D1 database bound to the worker under `binding`. */
  z.strictObject({
    kind: z.literal("d1"),
    binding: hint(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a binding name (letters, digits, underscores)")
        .default("DB"),
      {
        example: '"DB"',
        fix: 'use the binding name of the [[d1_databases]] entry in wrangler.toml, e.g. "DB"',
      },
    ),
  }),
]);

export const SigningKeySchema = z.strictObject({
  kid: nonEmpty('"2026-01"', 'name the key, e.g. "2026-01"'),
  secret: hint(z.string().min(32), { example: `"${envRef("TASKGATE_SIGNING_SECRET")}"`, fix: SECRET_FIX }),
});

export const SigningKeysSchema = hint(
  z.array(SigningKeySchema).min(1).superRefine(uniqueBy("kid", "give every signing key its own kid")),
  {
    example: `[{"kid": "2026-01", "secret": "${envRef("TASKGATE_SIGNING_SECRET")}"}]`,
    fix: `add a key: {"kid": "2026-01", "secret": "${envRef("TASKGATE_SIGNING_SECRET")}"}; ${SECRET_FIX}`,
  },
);

export const ApiKeySchema = z.strictObject({
  name: nonEmpty('"cdf-functions"'),
  sha256: hint(
    z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex characters (a SHA-256 digest)"),
    {
      example: '"<hex SHA-256 of the key>"',
      fix: 'store the hash, not the key: printf %s "$KEY" | sha256sum',
    },
  ),
});

/** Asymmetric algorithms only: a shared-secret or "none" algorithm is never accepted from an IdP. */
export const OIDC_ALGORITHMS = [
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

export const OidcSchema = z.strictObject({
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
  clockTolerance: hint(DurationSchema.prefault("30s"), {
    example: '"30s"',
    fix: 'write the clock tolerance as a duration such as "30s"',
  }),
});

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

export const WaitsSchema = z
  .strictObject({
    defaultTtl: duration("24h", "the default wait lifetime"),
    maxTtl: duration("7d", "the longest wait lifetime"),
  })
  .superRefine((waits, ctx) => {
    if (
      typeof waits.defaultTtl === "number" &&
      typeof waits.maxTtl === "number" &&
      waits.defaultTtl > waits.maxTtl
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultTtl"],
        message: "longer than waits.maxTtl",
        params: fixParams("shorten waits.defaultTtl or lengthen waits.maxTtl"),
      });
    }
  });

const email = hint(z.string().min(3).max(320), { example: '"Taskgate <taskgate@example.com>"' });

export const MailSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("smtp"),
    host: nonEmpty('"smtp.example.com"'),
    port: int(1, 65_535, 587),
    /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when offered. */
    secure: z.boolean().default(false),
    /** Refuse to send unless the server upgrades with STARTTLS. */
    requireTls: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: email,
  }),
  z.strictObject({
    kind: z.literal("resend"),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is a literal ${env:...} reference
    apiKey: nonEmpty('"${env:RESEND_API_KEY}"'),
    from: email,
    baseUrl: baseUrl("https://api.resend.com").optional(),
  }),
]);

export const ApprovalsSchema = z
  .strictObject({
    defaultTtl: duration("24h", "the default approval lifetime"),
    maxTtl: duration("30d", "the longest approval lifetime"),
    /** What an expiry sends to CDF: FAILED_WITH_TERMINAL_ERROR ("fail") or COMPLETED ("complete"). */
    onExpire: z.enum(["fail", "complete"]).default("fail"),
    /** How long links keep showing the outcome after the approval's expiry. */
    linkGrace: duration("7d", "how long links outlive their approval"),
    mail: MailSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if (typeof a.defaultTtl === "number" && typeof a.maxTtl === "number" && a.defaultTtl > a.maxTtl) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultTtl"],
        message: "longer than approvals.maxTtl",
        params: fixParams("shorten approvals.defaultTtl or lengthen approvals.maxTtl"),
      });
    }
  });

export const ForwarderSchema = z.strictObject({
  concurrency: int(1, 256, 8),
  lease: duration("60s", "the delivery lease"),
  pollInterval: duration("1s", "the poll interval"),
  minRetryWindow: duration("1h", "the minimum retry window"),
  callRetries: int(0, 10, 2),
});

export const LogSchema = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export const TaskgateConfigSchema = z
  .strictObject({
    /** JSON-schema reference for editors; ignored. */
    $schema: z.string().optional(),
    server: ServerSchema.prefault({}),
    publicUrl: baseUrl("https://taskgate.example.com"),
    cdf: CdfSchema,
    storage: StorageSchema.prefault({ kind: "sqlite", path: "./data/taskgate.db" }),
    signingKeys: SigningKeysSchema,
    api: ApiSchema,
    waits: WaitsSchema.prefault({}),
    forwarder: ForwarderSchema.prefault({}),
    log: LogSchema.prefault({}),
    sources: SourcesSchema,
    approvals: ApprovalsSchema.prefault({}),
  })
  .transform(({ $schema, ...config }) => config);

export type MailConfig = z.output<typeof MailSchema>;

/** The validated configuration: every default applied, every duration in milliseconds. */
export type TaskgateConfig = z.output<typeof TaskgateConfigSchema>;
/** The document as written (before defaults, interpolation and duration parsing). */
export type TaskgateConfigInput = z.input<typeof TaskgateConfigSchema>;
