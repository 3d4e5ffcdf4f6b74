import { envRef } from "./interpolate.js";
import type { TaskgateConfigInput } from "./schema.js";

/**
 * A complete, valid configuration (DESIGN §2 for this release), with every secret taken from the
 * environment. The source of `taskgate.config.example.json` and of docs and tests; a test keeps
 * the two in step.
 */
export const exampleConfig = {
  server: { host: "0.0.0.0", port: 8080, bodyLimitBytes: 262_144 },
  publicUrl: "https://taskgate.example.com",
  cdf: {
    baseUrl: "https://westeurope-1.cognitedata.com",
    project: "my-project",
    auth: {
      type: "client_credentials",
      tokenUrl: `https://login.microsoftonline.com/${envRef("AZURE_TENANT_ID")}/oauth2/v2.0/token`,
      clientId: envRef("CDF_CLIENT_ID"),
      clientSecret: envRef("CDF_CLIENT_SECRET"),
      scopes: ["https://westeurope-1.cognitedata.com/.default"],
    },
    appName: "taskgate",
    timeout: "30s",
  },
  storage: { kind: "sqlite", path: "./data/taskgate.db", synchronous: "normal" },
  signingKeys: [{ kid: "2026-11", secret: envRef("TASKGATE_SIGNING_SECRET") }],
  api: {
    keys: [{ name: "cdf-functions", sha256: envRef("TASKGATE_API_KEY_SHA256") }],
    oidc: {
      issuer: `https://login.microsoftonline.com/${envRef("AZURE_TENANT_ID")}/v2.0`,
      audience: "api://taskgate",
      jwksUrl: `https://login.microsoftonline.com/${envRef("AZURE_TENANT_ID")}/discovery/v2.0/keys`,
      require: { roles: ["taskgate"] },
      algorithms: ["RS256"],
      clockTolerance: "30s",
    },
  },
  waits: { defaultTtl: "24h", maxTtl: "7d" },
  forwarder: { concurrency: 48, lease: "60s", pollInterval: "1s", minRetryWindow: "1h", callRetries: 2 },
  log: { level: "info" },
  approvals: {
    defaultTtl: "24h",
    maxTtl: "30d",
    onExpire: "fail",
    linkGrace: "7d",
    mail: {
      kind: "smtp",
      host: "smtp.example.com",
      port: 587,
      requireTls: true,
      user: envRef("SMTP_USER"),
      password: envRef("SMTP_PASSWORD"),
      from: "Taskgate approvals <approvals@example.com>",
    },
  },
  retention: {
    delivered: "30d",
    dead: "90d",
    ignored: "7d",
    expired: "7d",
    waits: "30d",
    approvals: "30d",
    rejections: "7d",
    audit: "365d",
    interval: "10m",
    batch: 500,
  },
} satisfies TaskgateConfigInput;

/** Made-up values for the variables `exampleConfig` references, for tests and demos only. */
export const exampleEnv: Record<string, string> = {
  AZURE_TENANT_ID: "00000000-0000-4000-8000-000000000000",
  CDF_CLIENT_ID: "11111111-1111-4111-8111-111111111111",
  CDF_CLIENT_SECRET: "example-client-secret",
  TASKGATE_SIGNING_SECRET: "example-signing-secret-not-for-production-use",
  SMTP_USER: "taskgate",
  SMTP_PASSWORD: "example-smtp-password",
  /** sha256("example-api-key") */
  TASKGATE_API_KEY_SHA256: "8a7347045a068a4f6975445e94bbcd5247c269dea003fb72f6c3cc2e68c18092",
};
