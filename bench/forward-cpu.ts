import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "../src/emulator/emulator.js";
import { callbackBody } from "./body.js";
import { type BuiltGateway, importBuild } from "./built-gateway.js";
import { startEmulatorChild } from "./emulator-child.js";
import { formatWal, watchWal } from "./wal-frames.js";

/**
 * CPU per forwarded callback, in-process, the forward alone (issue 15: accept and forward cost
 * ~0.7–0.9 ms per callback in `npm run bench`, accept alone ~0.3):
 *
 *   node --import tsx bench/forward-cpu.ts [--repo DIR] [--rounds 3] [--per-round 3000] [--wal]
 *
 * Each round: a gateway of `--repo` (its dist/) in this process, its forwarder held (its CDF
 * calls never answer), accepts `--per-round` 1 KB callbacks into a SQLite file and is closed; a
 * second gateway on the same file, calling the CDF emulator in its own process (answers at once),
 * forwards that backlog. Printed: this process's CPU (user + system) per forwarded callback
 * from the second gateway's start until the emulator has every update, cheapest and median
 * round. The emulator's own CPU is not in it; the bench's IPC polls of the emulator (every 20
 * ms) are. Compare with `bench/accept-cpu.ts` for the accept alone. With `--wal`, each round
 * also prints the WAL frames the forwarding gateway wrote, per forward and by table or index
 * (wal-frames.ts; the CPU figures then include reading the WAL).
 */
const { values: opts } = parseArgs({
  options: {
    repo: { type: "string", default: resolve(import.meta.dirname, "..") },
    rounds: { type: "string", default: "3" },
    "per-round": { type: "string", default: "3000" },
    wal: { type: "boolean", default: false },
  },
});
const repo = resolve(opts.repo);
const rounds = Number(opts.rounds);
const perRound = Number(opts["per-round"]);

const { startGateway, loadConfigFile } = await importBuild(repo);

const logDir = mkdtempSync(join(tmpdir(), "taskgate-forward-cpu-logs-"));
const emu = await startEmulatorChild({ repo: resolve(import.meta.dirname, ".."), logDir });
await emu.park(0);
const apiKey = randomBytes(24).toString("base64url");
const signing = randomBytes(48).toString("base64url");
const BODY = callbackBody(1024);

function configFile(dir: string): unknown {
  const path = join(dir, "taskgate.config.json");
  writeFileSync(
    path,
    JSON.stringify({
      server: { host: "127.0.0.1", port: 8080 },
      publicUrl: "http://taskgate.bench.invalid",
      cdf: {
        baseUrl: emu.url,
        project: DEFAULT_PROJECT,
        auth: {
          type: "client_credentials",
          tokenUrl: `${emu.url}/oauth2/token`,
          clientId: DEFAULT_CLIENT.clientId,
          clientSecret: DEFAULT_CLIENT.clientSecret,
          scopes: [`${emu.url}/.default`],
        },
      },
      storage: { kind: "sqlite", path: join(dir, "taskgate.db"), synchronous: "normal" },
      forwarder: { lease: "2s" },
      signingKeys: [{ kid: "bench", secret: signing }],
      api: { keys: [{ name: "bench", sha256: createHash("sha256").update(apiKey).digest("hex") }] },
      log: { level: "warn" },
      limits: { perIp: 0, perSource: 0, maxInFlight: 0 },
    }),
  );
  const loaded = loadConfigFile(path);
  if (!loaded.ok) throw new Error(`bench config refused: ${JSON.stringify(loaded.problems)}`);
  return loaded.config;
}

async function call(gw: BuiltGateway, path: string, init: RequestInit): Promise<Response> {
  return gw.app.fetch(new Request(`http://127.0.0.1${path}`, init));
}

async function accept(gw: BuiltGateway, taskIds: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < taskIds.length) {
      const taskId = taskIds[next++]!;
      const made = await call(gw, "/v1/waits", {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ taskId }),
      });
      const text = await made.text();
      if (made.status !== 201)
        throw new Error(`POST /v1/waits answered ${made.status}: ${text.slice(0, 300)}`);
      const path = new URL((JSON.parse(text) as { callbackUrl: string }).callbackUrl).pathname;
      const res = await call(gw, path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
      });
      if (res.status !== 202) throw new Error(`callback answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

const perForward: number[] = [];
for (let r = 0; r < rounds; r++) {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-forward-cpu-"));
  const config = configFile(dir);
  await emu.reset();
  const taskIds = await emu.executions(perRound);
  // Accept with the forwarder held: its calls never answer, so the backlog stays in the store.
  const held = await startGateway({ config, port: 0, fetch: () => new Promise<Response>(() => {}) });
  await accept(held, taskIds);
  await held.close(200);
  // Leases the held forwarder took run out (2 s) before the next gateway claims them.
  await new Promise((done) => setTimeout(done, 2_500));
  const watch = opts.wal ? watchWal(join(dir, "taskgate.db")) : undefined;
  const start = process.cpuUsage();
  const live = await startGateway({ config, port: 0 });
  const started = process.cpuUsage(start);
  const ms = await emu.waitForUpdates(perRound, 120_000);
  const used = process.cpuUsage(start);
  const wal = watch?.finish();
  await live.close(1000);
  if (wal) process.stderr.write(`round ${r + 1}: ${formatWal(wal, perRound, "forward")}`);
  rmSync(dir, { recursive: true, force: true });
  if (ms < 0) throw new Error(`round ${r + 1}: the backlog was not forwarded within 120 s`);
  const cpuUs = used.user + used.system - (started.user + started.system);
  perForward.push(cpuUs / perRound);
  process.stderr.write(
    `round ${r + 1}: ${perRound} forwarded in ${(ms / 1000).toFixed(1)} s, ${(cpuUs / perRound).toFixed(0)} µs CPU each\n`,
  );
}
await emu.proc.stop();
rmSync(logDir, { recursive: true, force: true });
const sorted = [...perForward].sort((a, b) => a - b);
process.stdout.write(
  `${repo}: CPU µs per forwarded callback: min ${sorted[0]!.toFixed(0)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ` +
    `(${rounds} rounds of ${perRound}; load average ${loadavg()[0]!.toFixed(2)})\n`,
);
process.exit(0);
