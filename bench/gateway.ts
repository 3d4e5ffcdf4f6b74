import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "../src/emulator/emulator.js";
import { ipcCall, makeTempDir, type Started, startChild } from "./procs.js";

export type Synchronous = "normal" | "full";

export interface GatewayProcess {
  url: string;
  apiKey: string;
  dir: string;
  configFile: string;
  command: string;
  proc: Started;
  /** Queries the pg driver sent so far (only with `countPg`). */
  pgQueries(): Promise<number>;
}

export interface GatewaySecrets {
  apiKey: string;
  signingSecret: string;
}

export function newGatewaySecrets(): GatewaySecrets {
  return {
    apiKey: randomBytes(24).toString("base64url"),
    signingSecret: randomBytes(48).toString("base64url"),
  };
}

/**
 * The Node flags `npm start` runs the gateway with (the tokens between `node` and the script in
 * package.json's `start`), so the bench measures the gateway as it is started. None if the
 * script has none.
 */
export function startScriptNodeFlags(repo: string): string[] {
  const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
    scripts?: { start?: string };
  };
  const words = (pkg.scripts?.start ?? "").split(/\s+/);
  const script = words.indexOf("bin/taskgate.js");
  if (words[0] !== "node" || script < 0) return [];
  return words.slice(1, script).filter((w) => w.startsWith("--"));
}

/** Counts pg round trips inside the gateway process (see pg-count.mjs). */
export const PG_COUNT_PRELOAD = "bench/pg-count.mjs";

/**
 * Starts `taskgate serve` from the built JavaScript (bin/taskgate.js → dist/) in its own process
 * against the emulator at `cdfUrl`: a black box driven over HTTP, configured by a JSON file.
 * Storage is a SQLite file in a fresh temp dir unless `postgresUrl` is given. `nodeFlags` go
 * before the script (e.g. `--cpu-prof`).
 */
export async function startGatewayProcess(o: {
  repo: string;
  cdfUrl: string;
  synchronous?: Synchronous;
  /** PostgreSQL instead of SQLite (a URL that selects the run's schema). */
  postgresUrl?: string;
  /** Overrides for the `forwarder` config section (e.g. `lease`). */
  forwarder?: Record<string, unknown>;
  /** CDF call timeout (a duration); long when the bench parks the forwarder on held updates. */
  cdfTimeout?: string;
  logLevel?: "debug" | "info" | "warn" | "error";
  nodeFlags?: string[];
  /** Webhook sources for the config (the signed-webhook scenario). */
  sources?: Record<string, unknown>;
  /** Load pg-count.mjs and open an IPC channel to ask it for the round-trip count. */
  countPg?: boolean;
  name?: string;
  /** Replicas of one deployment share these (the bench makes fresh ones otherwise). */
  secrets?: GatewaySecrets;
}): Promise<GatewayProcess> {
  const dir = makeTempDir(`taskgate-bench-${o.name ?? "gateway"}-`);
  const { apiKey, signingSecret } = o.secrets ?? newGatewaySecrets();
  const config = {
    server: { host: "127.0.0.1", port: 8080 },
    // Only the path of a callback URL is used; the bench sends it to the bound address.
    publicUrl: "http://taskgate.bench.invalid",
    cdf: {
      baseUrl: o.cdfUrl,
      project: DEFAULT_PROJECT,
      ...(o.cdfTimeout ? { timeout: o.cdfTimeout } : {}),
      auth: {
        type: "client_credentials",
        tokenUrl: `${o.cdfUrl}/oauth2/token`,
        clientId: DEFAULT_CLIENT.clientId,
        clientSecret: DEFAULT_CLIENT.clientSecret,
        scopes: [`${o.cdfUrl}/.default`],
      },
    },
    storage: o.postgresUrl
      ? { kind: "postgres", url: o.postgresUrl }
      : { kind: "sqlite", path: join(dir, "taskgate.db"), synchronous: o.synchronous ?? "normal" },
    ...(o.forwarder ? { forwarder: o.forwarder } : {}),
    signingKeys: [{ kid: "bench", secret: signingSecret }],
    api: { keys: [{ name: "bench", sha256: createHash("sha256").update(apiKey).digest("hex") }] },
    log: { level: o.logLevel ?? "info" },
    // A benchmark measures throughput from one address: the public rate limits would cap it.
    limits: { perIp: 0, perSource: 0, maxInFlight: 0 },
    ...(o.sources ? { sources: o.sources } : {}),
  };
  const configFile = join(dir, "taskgate.config.json");
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const args = [
    ...(o.nodeFlags ?? []),
    ...(o.countPg ? ["--import", `./${PG_COUNT_PRELOAD}`] : []),
    "bin/taskgate.js",
    "serve",
    "--config",
    configFile,
    "--port",
    "0",
  ];
  const proc = await startChild({
    args,
    cwd: o.repo,
    logDir: dir,
    name: "gateway",
    ipc: o.countPg === true,
    isReady: (line) => line.msg === "taskgate listening" && typeof line.url === "string",
  });
  return {
    url: proc.ready.url as string,
    pgQueries: async () =>
      (await ipcCall<{ id: number; queries: number }>(proc.child, { type: "pg-count" })).queries,
    apiKey,
    dir,
    configFile,
    command: `node ${args.join(" ")}`,
    proc,
  };
}
