import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { envRef } from "../../src/config/interpolate.js";
import { DEFAULT_CLIENT } from "../../src/emulator/emulator.js";

export interface ForwarderSettings {
  concurrency?: number;
  lease?: string;
  pollInterval?: string;
  minRetryWindow?: string;
  callRetries?: number;
  heartbeat?: string;
  takeoverAfter?: string;
}

export interface GatewayConfigOptions {
  /** The temp dir that holds the config file and the SQLite database. */
  dir: string;
  /** Where CDF (and its identity provider) is reached: the emulator, or a proxy in front of it. */
  cdfUrl: string;
  project: string;
  forwarder?: ForwarderSettings;
  /** Per CDF attempt; default "5s". */
  cdfTimeout?: string;
  /** File name of the database inside `dir`; default taskgate.db. */
  database?: string;
  /** Replaces the SQLite storage section (e.g. `{ kind: "postgres", url }`). */
  storage?: Record<string, unknown>;
  /** Webhook sources (the config's `sources` section), if the test sends webhooks. */
  sources?: Record<string, unknown>;
  /** The `limits` section (rate limits, load shedding); the defaults when absent. */
  limits?: Record<string, unknown>;
}

/** A config file on disk plus what a test needs to use the gateway started from it. */
export interface GatewayConfigFile {
  path: string;
  databasePath: string;
  /** The API key whose SHA-256 is in the file. */
  apiKey: string;
  /** Secrets the file references as `${env:...}`; pass them to the loader or the child's environment. */
  env: Record<string, string>;
}

/**
 * Writes a real taskgate config (the same document an operator writes) against the emulator:
 * client credentials for its default client, a SQLite file in `dir`, an API key stored as its
 * hash, secrets through `${env:...}`, and fast forwarder timings for tests.
 */
export function writeGatewayConfig(o: GatewayConfigOptions): GatewayConfigFile {
  const apiKey = `tk_${randomBytes(24).toString("base64url")}`;
  const databasePath = join(o.dir, o.database ?? "taskgate.db");
  const env = {
    TG_TEST_CDF_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    TG_TEST_SIGNING_SECRET: randomBytes(36).toString("base64url"),
  };
  const document = {
    server: { host: "127.0.0.1", port: 8080 },
    publicUrl: "https://taskgate.test",
    cdf: {
      baseUrl: o.cdfUrl,
      project: o.project,
      auth: {
        type: "client_credentials",
        tokenUrl: `${o.cdfUrl}/oauth2/token`,
        clientId: DEFAULT_CLIENT.clientId,
        clientSecret: envRef("TG_TEST_CDF_CLIENT_SECRET"),
        scopes: [`${o.cdfUrl}/.default`],
      },
      timeout: o.cdfTimeout ?? "5s",
    },
    storage: o.storage ?? { kind: "sqlite", path: databasePath },
    signingKeys: [{ kid: "test-1", secret: envRef("TG_TEST_SIGNING_SECRET") }],
    api: {
      keys: [{ name: "tests", sha256: createHash("sha256").update(apiKey).digest("hex"), scopes: ["admin"] }],
    },
    forwarder: {
      concurrency: 8,
      lease: "5s",
      pollInterval: "200ms",
      minRetryWindow: "1h",
      callRetries: 2,
      ...o.forwarder,
    },
    log: { level: "info" },
    ...(o.sources ? { sources: o.sources } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
  };
  const path = join(o.dir, "taskgate.config.json");
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return { path, databasePath, apiKey, env };
}
