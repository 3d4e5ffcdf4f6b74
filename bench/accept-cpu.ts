import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { callbackBody } from "./body.js";
import { importBuild } from "./built-gateway.js";

/**
 * CPU per callback accept, in-process, for A/B comparisons on a shared machine:
 *
 *   node --import tsx bench/accept-cpu.ts [--repo DIR] [--trials 15] [--per-trial 400]
 *
 * Runs the built gateway of `--repo` (its dist/, default this checkout) in this process on a
 * SQLite file (WAL, synchronous=normal) with the audit sealer on and the forwarder held (CDF
 * never answers) and logging at warn (no access log lines), registers fresh waits, then sends `--trials` batches of `--per-trial` 1 KB
 * callbacks through `app.fetch`, 50 at a time, with the Requests built before each batch. Prints
 * the process CPU per accept (user + system) of the cheapest and the median batch. The cheapest
 * batch is the figure least disturbed by other work on the machine; compare two builds by
 * running this for each, back to back, more than once. Includes what `app.fetch` costs with a
 * web Request (the Node server avoids building one), so it reads higher than the bench's
 * CPU ms/req; the difference between two builds is what it is for.
 */
const { values: opts } = parseArgs({
  options: {
    repo: { type: "string", default: resolve(import.meta.dirname, "..") },
    trials: { type: "string", default: "15" },
    "per-trial": { type: "string", default: "400" },
  },
});
const repo = resolve(opts.repo);
const trials = Number(opts.trials);
const perTrial = Number(opts["per-trial"]);
const CONCURRENCY = 50;

const { startGateway, loadConfigFile } = await importBuild(repo);

const dir = mkdtempSync(join(tmpdir(), "taskgate-accept-cpu-"));
const apiKey = randomBytes(24).toString("base64url");
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
    storage: { kind: "sqlite", path: join(dir, "taskgate.db"), synchronous: "normal" },
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
  // The forwarder is held: its first CDF call never answers, so it does no work during the run.
  fetch: () => new Promise<Response>(() => {}),
});
const BODY = callbackBody(1024);

async function registerWaits(n: number): Promise<string[]> {
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

async function batch(paths: string[]): Promise<{ cpuUs: number; failed: number }> {
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
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(start);
  return { cpuUs: (used.user + used.system) / requests.length, failed };
}

const paths = await registerWaits(perTrial * (trials + 1));
await batch(paths.slice(0, perTrial)); // warm-up
const results: { cpuUs: number; failed: number }[] = [];
for (let t = 1; t <= trials; t++) {
  await new Promise((r) => setTimeout(r, 50));
  results.push(await batch(paths.slice(t * perTrial, (t + 1) * perTrial)));
}
await gateway.close(1000);
rmSync(dir, { recursive: true, force: true });
const cpu = results.map((r) => r.cpuUs).sort((a, b) => a - b);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(
  `${repo}: CPU µs per callback accept: min ${cpu[0]!.toFixed(0)}, median ${cpu[Math.floor(cpu.length / 2)]!.toFixed(0)} ` +
    `(${trials} batches of ${perTrial}; ${failed} not 202; load average ${loadavg()[0]!.toFixed(2)})\n`,
);
process.exit(failed > 0 ? 1 : 0);
