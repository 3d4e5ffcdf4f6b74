import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "../src/emulator/emulator.js";
import { makeTempDir, type Started, startChild } from "./procs.js";

export type Synchronous = "normal" | "full";

export interface GatewayProcess {
  url: string;
  apiKey: string;
  dir: string;
  configFile: string;
  command: string;
  proc: Started;
}

/**
 * Starts `taskgate serve` in its own process against the emulator at `cdfUrl`, with a SQLite file
 * in a fresh temp dir. `nodeFlags` go before the script (e.g. `--cpu-prof`).
 */
export async function startGatewayProcess(o: {
  repo: string;
  cdfUrl: string;
  synchronous: Synchronous;
  logLevel?: "debug" | "info" | "warn" | "error";
  nodeFlags?: string[];
  /** Webhook sources for the config (the signed-webhook scenario). */
  sources?: Record<string, unknown>;
}): Promise<GatewayProcess> {
  const dir = makeTempDir(`taskgate-bench-${o.synchronous}-`);
  const apiKey = randomBytes(24).toString("base64url");
  const config = {
    server: { host: "127.0.0.1", port: 8080 },
    // Only the path of a callback URL is used; the bench sends it to the bound address.
    publicUrl: "http://taskgate.bench.invalid",
    cdf: {
      baseUrl: o.cdfUrl,
      project: DEFAULT_PROJECT,
      auth: {
        type: "client_credentials",
        tokenUrl: `${o.cdfUrl}/oauth2/token`,
        clientId: DEFAULT_CLIENT.clientId,
        clientSecret: DEFAULT_CLIENT.clientSecret,
        scopes: [`${o.cdfUrl}/.default`],
      },
    },
    storage: { kind: "sqlite", path: join(dir, "taskgate.db"), synchronous: o.synchronous },
    signingKeys: [{ kid: "bench", secret: randomBytes(48).toString("base64url") }],
    api: { keys: [{ name: "bench", sha256: createHash("sha256").update(apiKey).digest("hex") }] },
    log: { level: o.logLevel ?? "info" },
    ...(o.sources ? { sources: o.sources } : {}),
  };
  const configFile = join(dir, "taskgate.config.json");
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const args = [
    ...(o.nodeFlags ?? []),
    "--import",
    "tsx",
    "src/cli/main.ts",
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
    isReady: (line) => line.msg === "taskgate listening" && typeof line.url === "string",
  });
  return {
    url: proc.ready.url as string,
    apiKey,
    dir,
    configFile,
    command: `node ${args.join(" ")}`,
    proc,
  };
}
