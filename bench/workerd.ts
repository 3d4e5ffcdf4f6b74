import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../src/adapters/runtime/system-clock.js";
import { envRef } from "../src/config/interpolate.js";
import type { Emulator } from "../src/emulator/emulator.js";
import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "../src/emulator/emulator.js";
import { startEmulatorServer } from "../src/emulator/serve-node.js";
import { callbackBody } from "./body.js";
import { ensureBuilt } from "./build.js";
import { startGatewayProcess } from "./gateway.js";
import { type LatencyResult, measureLatency } from "./latency.js";
import { type LoadResult, runLoad } from "./load.js";
import { cleanupNow, installCleanup, makeTempDir, type Started, startChild } from "./procs.js";
import { createWaits, WaitPool } from "./setup-waits.js";
import { preciseNow, r2 } from "./stats.js";
import { UpdateTracker } from "./updates.js";

/**
 * `npm run bench:workerd`: callback-URL throughput and p99 of taskgate on workerd (the deployed
 * bundle under the Miniflare API, D1 in memory) beside taskgate on Node (SQLite, WAL,
 * synchronous=normal), in one run, with a bare JSON echo on each runtime as its ceiling. Both
 * gateways forward every callback to the same in-process CDF emulator right after the 202.
 * Prints figures and one `BENCH_WORKERD_SUMMARY {json}` line.
 *
 * Options: --duration S (measured seconds, default 10), --warmup S (default 2), --connections N
 * (default 50), --latency-count N (sequential callbacks for the end-to-end figure, default 200),
 * --via direct|entry: how requests reach workerd (default direct: a socket straight to the
 * worker, like an edge server; entry: through Miniflare's entry worker, like `wrangler dev`).
 */

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    "latency-count": { type: "string", default: "200" },
    via: { type: "string", default: "direct" },
  },
});
if (opts.via !== "direct" && opts.via !== "entry") throw new Error("--via must be direct or entry");
/** The URL a workerd-server.ts child announced for the chosen path into workerd. */
const workerdUrl = (proc: Started): string =>
  (opts.via === "entry" ? proc.ready.url : proc.ready.directUrl) as string;

const REPO = resolve(import.meta.dirname, "..");
const DURATION = Number(opts.duration);
const WARMUP = Number(opts.warmup);
const CONNECTIONS = Number(opts.connections);
const LATENCY_WARMUP = 30;
const LATENCY_COUNT = Number(opts["latency-count"]);
const BODY = callbackBody(1024);
const FIRST_BATCH = 1500;

interface GatewayFigures {
  runtime: "node" | "workerd";
  load: LoadResult;
  ratio: number;
  cpuCores: number | undefined;
  forwardedDuringLoad: number;
  drainMs: number;
  latency: LatencyResult;
}

function line(s = ""): void {
  process.stdout.write(`${s}\n`);
}

function fmtLoad(r: LoadResult): string {
  const other = Object.entries(r.otherStatuses)
    .map(([s, n]) => `${s}:${n}`)
    .join(" ");
  return (
    `${r2(r.rps).toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.maxMs} ms  ` +
    `(${r.ok}/${r.total} ok; other ${other || "none"}; errors ${r.errors}, timeouts ${r.timeouts}` +
    `${r.overflow ? `, RAN OUT OF WAITS x${r.overflow}` : ""})`
  );
}

/** CPU seconds of a process and all its descendants (Miniflare's Node process plus workerd). */
function treeCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let total = (Number(fields[11]) + Number(fields[12])) / 100;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const child of children ? children.split(" ") : []) total += treeCpuSeconds(Number(child)) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}

async function echoBaseline(name: string, proc: Started, url: string, path: string): Promise<LoadResult> {
  try {
    const probe = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: BODY,
    });
    if (probe.status !== 200 || (await probe.text()) !== BODY) throw new Error(`${name} echo probe failed`);
    const common = { url, path, body: BODY, connections: CONNECTIONS, expectStatus: 200 };
    await runLoad({ ...common, durationSec: WARMUP, title: `${name} echo warm-up` });
    const r = await runLoad({ ...common, durationSec: DURATION, title: `${name} echo` });
    line(`  ${name.padEnd(8)} ${fmtLoad(r)}`);
    return r;
  } finally {
    await proc.stop();
  }
}

/** Probe, warm-up, measured load, drain, then sequential end-to-end latency, on one gateway. */
async function callbackRun(o: {
  runtime: "node" | "workerd";
  url: string;
  apiKey: string;
  pid: number | undefined;
  emulator: Emulator;
  baselineRps: number;
}): Promise<GatewayFigures> {
  o.emulator.reset();
  const tracker = new UpdateTracker(o.emulator);
  const create = (count: number) =>
    createWaits({ emulator: o.emulator, gatewayUrl: o.url, apiKey: o.apiKey, count, concurrency: 32 });

  const [probe] = await create(1);
  const res = await fetch(`${o.url}${probe!.path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: BODY,
  });
  if (res.status !== 202)
    throw new Error(`${o.runtime}: probe callback answered ${res.status}: ${await res.text()}`);
  if ((await tracker.waitFor(probe!.taskId, 10_000)) === undefined) {
    throw new Error(`${o.runtime}: the probe callback never reached the emulator`);
  }
  let accepted = 1;

  const setupStart = preciseNow();
  const pool = new WaitPool(await create(FIRST_BATCH));
  const loadOpts = {
    url: o.url,
    nextPath: () => pool.next()?.path,
    body: BODY,
    connections: CONNECTIONS,
    expectStatus: 202,
  };
  const warm = await runLoad({ ...loadOpts, durationSec: WARMUP, title: `${o.runtime} warm-up` });
  accepted += warm.ok;
  const needed =
    // Generous: a warm-up on a cold isolate or JIT runs slower than the measured run.
    Math.ceil(Math.max(warm.okPerSec, 1000) * DURATION * 2) +
    CONNECTIONS * 4 +
    LATENCY_WARMUP +
    LATENCY_COUNT;
  pool.add(await create(Math.max(0, needed - pool.remaining)));
  line(
    `  setup: ${pool.remaining + pool.used} waits registered through POST /v1/waits ` +
      `in ${((preciseNow() - setupStart) / 1000).toFixed(1)} s (including the warm-up)`,
  );
  if ((await tracker.waitForCount(accepted, 60_000)) < 0)
    throw new Error(`${o.runtime}: warm-up did not drain`);

  const before = tracker.arrivals.size;
  const cpuBefore = treeCpuSeconds(o.pid);
  const load = await runLoad({ ...loadOpts, durationSec: DURATION, title: o.runtime });
  const cpuAfter = treeCpuSeconds(o.pid);
  tracker.scan();
  const forwardedDuringLoad = tracker.arrivals.size - before;
  accepted += load.ok;
  const drainMs = await tracker.waitForCount(accepted, 90_000);
  const ratio = load.rps / o.baselineRps;
  const cpuCores =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / load.durationSec;
  line(`  ${o.runtime.padEnd(8)} ${fmtLoad(load)}`);
  line(
    `           ratio to its runtime's echo ${ratio.toFixed(3)}; forwarded to CDF during the run ` +
      `${forwardedDuringLoad}/${load.ok}; backlog drained ${drainMs < 0 ? "NOT within 90 s" : `${(drainMs / 1000).toFixed(1)} s after`}` +
      `${cpuCores === undefined ? "" : `; gateway CPU ${cpuCores.toFixed(2)} cores`}`,
  );

  tracker.reset();
  const latency = await measureLatency({
    gatewayUrl: o.url,
    pool,
    tracker,
    body: BODY,
    warmup: LATENCY_WARMUP,
    count: LATENCY_COUNT,
    gapMs: 10,
  });
  const e = latency.endToEnd;
  line(
    `           callback -> CDF update, sequential (${e.n}): p50 ${e.p50.toFixed(2)} ms  p99 ${e.p99.toFixed(2)} ms` +
      `  (202 at p50 ${latency.ack.p50.toFixed(2)} ms; non-202 ${latency.errors}, missing ${latency.missing})`,
  );
  return { runtime: o.runtime, load, ratio, cpuCores, forwardedDuringLoad, drainMs, latency };
}

async function startWorkerdGateway(cdfUrl: string, logDir: string) {
  const apiKey = randomBytes(24).toString("base64url");
  const config = {
    publicUrl: "http://taskgate.bench.invalid",
    cdf: {
      baseUrl: cdfUrl,
      project: DEFAULT_PROJECT,
      auth: {
        type: "client_credentials",
        tokenUrl: `${cdfUrl}/oauth2/token`,
        clientId: DEFAULT_CLIENT.clientId,
        clientSecret: envRef("CDF_CLIENT_SECRET"),
        scopes: [`${cdfUrl}/.default`],
      },
    },
    storage: { kind: "d1", binding: "DB" },
    signingKeys: [{ kid: "bench", secret: envRef("TASKGATE_SIGNING_SECRET") }],
    api: { keys: [{ name: "bench", sha256: createHash("sha256").update(apiKey).digest("hex") }] },
    forwarder: { lease: "30s" },
    // The same level as the Node gateway in bench/gateway.ts (a line per forward).
    log: { level: "info" },
  };
  const bindings = {
    TASKGATE_CONFIG: JSON.stringify(config),
    TASKGATE_SIGNING_SECRET: randomBytes(48).toString("base64url"),
    CDF_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
  };
  process.env.TASKGATE_BENCH_BINDINGS = JSON.stringify(bindings);
  const outdir = makeTempDir("taskgate-bench-worker-bundle-");
  const args = ["--import", "tsx", "bench/workerd-server.ts", "--gateway", outdir];
  const proc = await startChild({
    args,
    cwd: REPO,
    logDir,
    name: "workerd-gateway",
    isReady: (l) => l.msg === "workerd listening",
    timeoutMs: 90_000,
  });
  delete process.env.TASKGATE_BENCH_BINDINGS;
  return { proc, apiKey, url: workerdUrl(proc), command: `node ${args.join(" ")}` };
}

async function main(): Promise<void> {
  installCleanup();
  // The Node gateway runs from dist/, as in `npm run bench`.
  ensureBuilt(REPO);
  const started = Date.now();
  const cpu = cpus();
  line("taskgate bench: workerd beside Node");
  line(
    `machine: ${cpu.length} cpus (${cpu[0]?.model.trim() ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `node ${process.version}, linux ${release()}`,
  );
  line(
    `command: npm run bench:workerd  =  node --import tsx bench/workerd.ts ${process.argv.slice(2).join(" ")}`.trimEnd(),
  );
  line(
    `load: autocannon 8, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured, 1024-byte JSON ` +
      "body, a fresh wait per request; load generator and CDF emulator share the bench process",
  );
  line();

  const logDir = makeTempDir("taskgate-bench-workerd-logs-");
  line("1. baselines: a bare JSON echo on each runtime");
  const nodeEchoProc = await startChild({
    args: ["--import", "tsx", "bench/echo-server.ts"],
    cwd: REPO,
    logDir,
    name: "node-echo",
    isReady: (l) => l.msg === "echo listening",
  });
  const nodeEcho = await echoBaseline("node", nodeEchoProc, nodeEchoProc.ready.url as string, "/echo");
  const workerdEchoProc = await startChild({
    args: ["--import", "tsx", "bench/workerd-server.ts", "--echo"],
    cwd: REPO,
    logDir,
    name: "workerd-echo",
    isReady: (l) => l.msg === "workerd listening",
    timeoutMs: 60_000,
  });
  const workerdEcho = await echoBaseline("workerd", workerdEchoProc, workerdUrl(workerdEchoProc), "/echo");
  line();

  const emu = await startEmulatorServer({ port: 0, clock: { now: preciseNow, sleep: systemClock.sleep } });
  const runs: GatewayFigures[] = [];
  try {
    line("2. taskgate on Node: POST /v1/callbacks/:token, SQLite (WAL, synchronous=normal)");
    const node = await startGatewayProcess({ repo: REPO, cdfUrl: emu.url, synchronous: "normal" });
    try {
      line(`  command: ${node.command}`);
      runs.push(
        await callbackRun({
          runtime: "node",
          url: node.url,
          apiKey: node.apiKey,
          pid: node.proc.child.pid,
          emulator: emu.emulator,
          baselineRps: nodeEcho.rps,
        }),
      );
    } finally {
      await node.proc.stop(15_000);
    }
    line();

    line("3. taskgate on workerd: the same callbacks, D1 (in memory), immediate forward under ctx.waitUntil");
    const workerd = await startWorkerdGateway(emu.url, logDir);
    try {
      line(
        `  command: ${workerd.command}  (bundle: wrangler deploy --dry-run; Miniflare API, cf: false; ` +
          `requests ${opts.via === "entry" ? "through Miniflare's entry worker" : "on a direct socket to the worker"})`,
      );
      runs.push(
        await callbackRun({
          runtime: "workerd",
          url: workerd.url,
          apiKey: workerd.apiKey,
          pid: workerd.proc.child.pid,
          emulator: emu.emulator,
          baselineRps: workerdEcho.rps,
        }),
      );
    } finally {
      await workerd.proc.stop(15_000);
    }
  } finally {
    await emu.close();
  }
  line();
  const [n, w] = runs;
  if (n && w) {
    line(
      `workerd / Node callback throughput: ${(w.load.rps / n.load.rps).toFixed(2)}  ` +
        `(p99 ${w.load.p99} ms vs ${n.load.p99} ms)`,
    );
  }
  line(`total bench time ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const summary = {
    machine: { cpus: cpu.length, model: cpu[0]?.model.trim(), node: process.version },
    settings: {
      connections: CONNECTIONS,
      warmupSec: WARMUP,
      durationSec: DURATION,
      bodyBytes: 1024,
      via: opts.via,
    },
    echo: {
      node: { rps: r2(nodeEcho.rps), p99: nodeEcho.p99 },
      workerd: { rps: r2(workerdEcho.rps), p99: workerdEcho.p99 },
    },
    taskgate: runs.map((r) => ({
      runtime: r.runtime,
      rps: r2(r.load.rps),
      p50: r.load.p50,
      p99: r.load.p99,
      ok: r.load.ok,
      non202: r.load.total - r.load.ok,
      errors: r.load.errors + r.load.timeouts,
      ratioToEcho: Number(r.ratio.toFixed(3)),
      gatewayCpuCores: r.cpuCores === undefined ? null : r2(r.cpuCores),
      forwardedPerSecDuringLoad: r2(r.forwardedDuringLoad / r.load.durationSec),
      drainMs: r.drainMs,
      e2eP50: r2(r.latency.endToEnd.p50),
      e2eP99: r2(r.latency.endToEnd.p99),
    })),
    totalSec: r2((Date.now() - started) / 1000),
  };
  line(`BENCH_WORKERD_SUMMARY ${JSON.stringify(summary)}`);
}

main().then(
  () => {
    cleanupNow();
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    cleanupNow();
    process.exit(1);
  },
);
