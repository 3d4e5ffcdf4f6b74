import { createHash, randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { callbackBody } from "./body.js";
import { type BuiltGateway, importBuild } from "./built-gateway.js";

/** A gateway of a checkout's build in this process, its forwarder held, and its API key. */
export interface HeldGateway {
  gateway: BuiltGateway;
  apiKey: string;
  /** Its SQLite file. */
  dbPath: string;
}

const BODY = callbackBody(1024);

/**
 * Starts the built gateway of `repo` in this process on a SQLite file in `dir` (WAL,
 * synchronous=normal), with the audit sealer on, logging at warn and the forwarder held: its first
 * CDF call never answers, so it does no work while callbacks are sent.
 */
export async function startHeldGateway(repo: string, dir: string): Promise<HeldGateway> {
  const { startGateway, loadConfigFile } = await importBuild(repo);
  const apiKey = randomBytes(24).toString("base64url");
  const dbPath = join(dir, "taskgate.db");
  writeFileSync(
    join(dir, "taskgate.config.json"),
    JSON.stringify({
      server: { host: "127.0.0.1", port: 8080 },
      publicUrl: "http://taskgate.bench.invalid",
      cdf: {
        baseUrl: "http://127.0.0.1:9",
        project: "bench",
        timeout: "10m",
        auth: {
          type: "client_credentials",
          tokenUrl: "http://127.0.0.1:9/token",
          clientId: "bench",
          clientSecret: "bench",
          scopes: ["bench"],
        },
      },
      storage: { kind: "sqlite", path: dbPath, synchronous: "normal" },
      signingKeys: [{ kid: "bench", secret: randomBytes(48).toString("base64url") }],
      api: { keys: [{ name: "bench", sha256: createHash("sha256").update(apiKey).digest("hex") }] },
      log: { level: "warn" },
      limits: { perIp: 0, perSource: 0, maxInFlight: 0 },
    }),
  );
  const loaded = loadConfigFile(join(dir, "taskgate.config.json"));
  if (!loaded.ok) throw new Error(`bench config refused: ${JSON.stringify(loaded.problems)}`);
  const gateway = await startGateway({
    config: loaded.config,
    port: 0,
    fetch: () => new Promise<Response>(() => {}),
  });
  return { gateway, apiKey, dbPath };
}

/** Registers `n` waits, each for a fresh task, 16 at a time; returns their callback paths. */
export async function registerWaits({ gateway, apiKey }: HeldGateway, n: number): Promise<string[]> {
  const paths: string[] = [];
  let left = n;
  const worker = async () => {
    while (left > 0) {
      left--;
      const res = await gateway.app.fetch(
        new Request("http://127.0.0.1/v1/waits", {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ taskId: randomUUID() }),
        }),
      );
      const text = await res.text();
      if (res.status !== 201) throw new Error(`POST /v1/waits answered ${res.status}: ${text.slice(0, 300)}`);
      paths.push(new URL((JSON.parse(text) as { callbackUrl: string }).callbackUrl).pathname);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return paths;
}

/**
 * Sends a 1 KB callback to each path through `app.fetch`, `concurrency` at a time, the Requests
 * built first. Returns the process CPU per callback (µs) and how many were not answered 202.
 */
export async function sendCallbacks(
  { gateway }: HeldGateway,
  paths: string[],
  concurrency: number,
): Promise<{ cpuUs: number; failed: number }> {
  const requests = paths.map(
    (p) =>
      new Request(`http://127.0.0.1${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "taskgate-bench" },
        body: BODY,
      }),
  );
  let next = 0;
  let failed = 0;
  const start = process.cpuUsage();
  const worker = async () => {
    while (next < requests.length) {
      const res = await gateway.app.fetch(requests[next++]!);
      if (res.status !== 202) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(start);
  return { cpuUs: (used.user + used.system) / requests.length, failed };
}
