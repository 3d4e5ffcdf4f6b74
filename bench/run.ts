import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../src/adapters/runtime/system-clock.js";
import { startEmulatorServer } from "../src/emulator/serve-node.js";
import { callbackBody } from "./body.js";
import { type GatewayProcess, type Synchronous, startGatewayProcess } from "./gateway.js";
import { type LatencyResult, measureLatency } from "./latency.js";
import { type LoadResult, runLoad } from "./load.js";
import { cleanupNow, cpuSeconds, installCleanup, makeTempDir, startChild } from "./procs.js";
import { createWaits, WaitPool } from "./setup-waits.js";
import { mark, preciseNow, r2 } from "./stats.js";
import { UpdateTracker } from "./updates.js";
import { WEBHOOK_TARGET_RATIO, webhookRun } from "./webhook-run.js";

/**
 * `npm run bench`: a bare Hono echo app as the baseline, then taskgate's callback URLs (SQLite
 * synchronous=normal, then =full) against an in-process CDF emulator without latency, then the
 * callback → CDF-update latency at low load. Prints figures and one `BENCH_SUMMARY {json}` line.
 *
 * Options: --duration S (measured seconds, default 10), --warmup S (default 2), --connections N
 * (default 50), --sync normal,full, --latency-count N (default 300), --latency-gap MS (pause
 * between sequential callbacks, default 10), --cpu-prof DIR (profile the gateway processes into
 * DIR; summarise with bench/profile-summary.ts).
 */

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    sync: { type: "string", default: "normal,full" },
    "cpu-prof": { type: "string" },
    "latency-count": { type: "string", default: "300" },
    "latency-gap": { type: "string", default: "10" },
  },
});

const REPO = resolve(import.meta.dirname, "..");
const DURATION = Number(opts.duration);
const WARMUP = Number(opts.warmup);
const CONNECTIONS = Number(opts.connections);
const LATENCY_WARMUP = 50;
const LATENCY_COUNT = Number(opts["latency-count"]);
const SYNCS = opts.sync.split(",").map((s) => s.trim()) as Synchronous[];
const LATENCY_GAP_MS = Number(opts["latency-gap"]);
const TARGET_RATIO = 0.5;
const TARGET_E2E_P50_MS = 5;
const BODY = callbackBody(1024);
const FIRST_BATCH = 1500;

interface GatewayRun {
  synchronous: Synchronous;
  waitsCreated: number;
  waitSetupMs: number;
  waitsPerSec: number;
  warm: LoadResult;
  load: LoadResult;
  ratio: number;
  /** Gateway CPU (user + system) during the measured run, per accepted callback, in ms. */
  cpuMsPerCallback: number | undefined;
  /** Gateway CPU use during the measured run, in cores (1 = one core busy all the time). */
  cpuCores: number | undefined;
  forwardedDuringLoad: number;
  drainMs: number;
  updateFailures: Record<string, number>;
  latency: LatencyResult;
  /** Gateway CPU per sequential callback in the latency phase, in ms. */
  latencyCpuMs: number | undefined;
}

function line(s = ""): void {
  process.stdout.write(`${s}\n`);
}

function fmtLoad(r: LoadResult): string {
  const other = Object.entries(r.otherStatuses)
    .map(([s, n]) => `${s}:${n}`)
    .join(" ");
  return (
    `${r2(r.rps).toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p90 ${r.p90} ms  p99 ${r.p99} ms  max ${r.maxMs} ms  ` +
    `(${r.ok}/${r.total} ok in ${r2(r.durationSec)} s; non-expected ${other || "none"}; ` +
    `errors ${r.errors}, timeouts ${r.timeouts}${r.overflow ? `, RAN OUT OF WAITS x${r.overflow}` : ""})`
  );
}

function fmtMs(x: number): string {
  return `${x.toFixed(2)} ms`;
}

async function baseline(logDir: string): Promise<LoadResult> {
  const echo = await startChild({
    args: ["--import", "tsx", "bench/echo-server.ts"],
    cwd: REPO,
    logDir,
    name: "echo",
    isReady: (l) => l.msg === "echo listening",
  });
  try {
    const url = echo.ready.url as string;
    const probe = await fetch(`${url}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: BODY,
    });
    const echoed = await probe.text();
    if (probe.status !== 200 || echoed !== BODY) throw new Error(`echo probe failed: ${probe.status}`);
    line(`  command: node --import tsx bench/echo-server.ts  (${url})`);
    const common = { url, path: "/echo", body: BODY, connections: CONNECTIONS, expectStatus: 200 };
    await runLoad({ ...common, durationSec: WARMUP, title: "baseline warm-up" });
    const r = await runLoad({ ...common, durationSec: DURATION, title: "baseline" });
    line(`  baseline  ${fmtLoad(r)}`);
    return r;
  } finally {
    await echo.stop();
  }
}

async function gatewayRun(
  synchronous: Synchronous,
  emulatorUrl: string,
  emulator: Awaited<ReturnType<typeof startEmulatorServer>>["emulator"],
  baselineRps: number,
): Promise<GatewayRun> {
  emulator.reset();
  const tracker = new UpdateTracker(emulator);
  const profDir = opts["cpu-prof"] ? resolve(opts["cpu-prof"], synchronous) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const gw: GatewayProcess = await startGatewayProcess({
    repo: REPO,
    cdfUrl: emulatorUrl,
    synchronous,
    ...(profDir ? { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] } : {}),
  });
  // Monotonic µs, the clock V8's CPU profiles use: profile-summary.ts --phase cuts a window.
  const phases: Record<string, [number, number]> = {};
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const a = Number(process.hrtime.bigint() / 1000n);
    try {
      return await f();
    } finally {
      phases[name] = [a, Number(process.hrtime.bigint() / 1000n)];
    }
  };
  try {
    line(`  command: ${gw.command}`);
    line(`  gateway ${gw.url}, SQLite ${gw.dir}/taskgate.db (WAL, synchronous=${synchronous})`);
    const create = (count: number) =>
      createWaits({ emulator, gatewayUrl: gw.url, apiKey: gw.apiKey, count, concurrency: 32 });

    // Sanity: one callback end to end before any load.
    const [probe] = await create(1);
    const res = await fetch(`${gw.url}${probe!.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: BODY,
    });
    const probeText = await res.text();
    if (res.status !== 202) throw new Error(`probe callback answered ${res.status}: ${probeText}`);
    if ((await tracker.waitFor(probe!.taskId, 10_000)) === undefined) {
      throw new Error("probe callback never reached the emulator as a task update");
    }
    let accepted = 1;

    let setupMs = 0;
    let created = 0;
    const timedCreate = async (count: number) => {
      const t = preciseNow();
      const waits = await create(count);
      setupMs += preciseNow() - t;
      created += count;
      return waits;
    };

    // Warm-up on a first batch (cut short if it runs out); its rate sizes the measured run's batch.
    const pool = new WaitPool(await phase("setup1", () => timedCreate(FIRST_BATCH)));
    const loadOpts = {
      url: gw.url,
      nextPath: () => pool.next()?.path,
      body: BODY,
      connections: CONNECTIONS,
      expectStatus: 202,
    };
    const warm = await runLoad({
      ...loadOpts,
      durationSec: WARMUP,
      title: `taskgate ${synchronous} warm-up`,
    });
    accepted += warm.ok;
    const needed =
      Math.ceil(Math.max(warm.okPerSec, 1000) * DURATION * 2.5) +
      CONNECTIONS * 4 +
      LATENCY_WARMUP +
      LATENCY_COUNT;
    const fresh = await phase("setup2", () => timedCreate(Math.max(0, needed - pool.remaining)));
    // Waits the warm-up's clients built but never sent are skipped: the pool only moves forward.
    pool.add(fresh);
    line(
      `  setup: ${created} waits in ${(setupMs / 1000).toFixed(1)} s ` +
        `(${Math.round(created / (setupMs / 1000))}/s, 32 concurrent POST /v1/waits)`,
    );

    // Start the measured run with the forwarder idle.
    if ((await tracker.waitForCount(accepted, 60_000)) < 0) {
      throw new Error(`warm-up backlog did not drain: ${tracker.arrivals.size}/${accepted} updates`);
    }
    const before = tracker.arrivals.size;
    const cpuBefore = cpuSeconds(gw.proc.child.pid);
    const load = await phase("load", () =>
      runLoad({ ...loadOpts, durationSec: DURATION, title: `taskgate ${synchronous}` }),
    );
    const cpuAfter = cpuSeconds(gw.proc.child.pid);
    const cpuUsed = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const cpuMsPerCallback = cpuUsed === undefined ? undefined : (cpuUsed * 1000) / Math.max(1, load.ok);
    const cpuCores = cpuUsed === undefined ? undefined : cpuUsed / load.durationSec;
    tracker.scan();
    const forwardedDuringLoad = tracker.arrivals.size - before;
    accepted += load.ok;
    const drainMs = await phase("drain", () => tracker.waitForCount(accepted, 90_000));
    // Let the last updates be answered before reading their statuses.
    await new Promise((r) => setTimeout(r, 200));
    const updateFailures = tracker.failures();
    const ratio = load.rps / baselineRps;
    line(`  taskgate  ${fmtLoad(load)}`);
    if (cpuMsPerCallback !== undefined && cpuCores !== undefined) {
      line(
        `  gateway CPU during the run: ${cpuCores.toFixed(2)} cores busy, ${cpuMsPerCallback.toFixed(2)} ms CPU per accepted callback` +
          ` (baseline budget at ratio ${TARGET_RATIO}: ${(1000 / (baselineRps * TARGET_RATIO)).toFixed(2)} ms)`,
      );
    }
    line(
      `  ratio to baseline ${ratio.toFixed(3)}  [${mark(ratio >= TARGET_RATIO)} target >= ${TARGET_RATIO}]` +
        `   forwarded to CDF during the run: ${forwardedDuringLoad}/${load.ok}` +
        ` (${Math.round(forwardedDuringLoad / load.durationSec)}/s); backlog drained ` +
        `${drainMs < 0 ? "NOT within 90 s" : `${(drainMs / 1000).toFixed(1)} s after the run`}` +
        `; CDF update failures: ${JSON.stringify(updateFailures)}`,
    );

    tracker.reset();
    const cpuBeforeLatency = cpuSeconds(gw.proc.child.pid);
    const latency = await phase("latency", () =>
      measureLatency({
        gatewayUrl: gw.url,
        pool,
        tracker,
        body: BODY,
        warmup: LATENCY_WARMUP,
        count: LATENCY_COUNT,
        gapMs: LATENCY_GAP_MS,
      }),
    );
    const l = latency;
    const cpuAfterLatency = cpuSeconds(gw.proc.child.pid);
    const latencyCpuMs =
      cpuBeforeLatency === undefined || cpuAfterLatency === undefined
        ? undefined
        : ((cpuAfterLatency - cpuBeforeLatency) * 1000) / (LATENCY_WARMUP + LATENCY_COUNT);
    line(
      `  callback -> CDF update (sequential, ${LATENCY_GAP_MS} ms apart, ${l.endToEnd.n} after ${LATENCY_WARMUP} warm-up): ` +
        `p50 ${fmtMs(l.endToEnd.p50)}  p90 ${fmtMs(l.endToEnd.p90)}  p99 ${fmtMs(l.endToEnd.p99)}  ` +
        `max ${fmtMs(l.endToEnd.max)}  [${mark(l.endToEnd.p50 <= TARGET_E2E_P50_MS)} target p50 <= ${TARGET_E2E_P50_MS} ms]`,
    );
    line(
      `    202 seen by client after p50 ${fmtMs(l.ack.p50)} p99 ${fmtMs(l.ack.p99)};` +
        ` update arrived relative to the 202: p50 ${fmtMs(l.afterAck.p50)} p99 ${fmtMs(l.afterAck.p99)}` +
        ` (min ${fmtMs(l.afterAck.min)}, max ${fmtMs(l.afterAck.max)});` +
        ` non-202 ${l.errors}, updates missing ${l.missing}`,
    );
    if (latencyCpuMs !== undefined) {
      line(
        `    gateway CPU per sequential callback (accept + forward + record): ${latencyCpuMs.toFixed(2)} ms`,
      );
    }
    return {
      synchronous,
      waitsCreated: created,
      waitSetupMs: setupMs,
      waitsPerSec: created / (setupMs / 1000),
      warm,
      load,
      ratio,
      cpuMsPerCallback,
      cpuCores,
      forwardedDuringLoad,
      drainMs,
      updateFailures,
      latency,
      latencyCpuMs,
    };
  } finally {
    await gw.proc.stop(15_000);
    tracker.reset();
    if (profDir) writeFileSync(resolve(profDir, "phases.json"), `${JSON.stringify(phases, null, 2)}\n`);
  }
}

async function main(): Promise<void> {
  installCleanup();
  const started = Date.now();
  const cpu = cpus();
  line("taskgate bench");
  line(
    `machine: ${cpu.length} cpus (${cpu[0]?.model.trim() ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `node ${process.version}, linux ${release()}`,
  );
  line(
    `command: npm run bench  =  node --import tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trimEnd(),
  );
  line(
    `load: autocannon 8, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured, ` +
      `1024-byte JSON body; load generator and the in-process CDF emulator share the bench process`,
  );
  line();

  const logDir = makeTempDir("taskgate-bench-logs-");
  line("1. baseline: bare Hono on @hono/node-server, POST /echo (parse JSON, answer it)");
  const base = await baseline(logDir);
  line();

  const emu = await startEmulatorServer({
    port: 0,
    clock: { now: preciseNow, sleep: systemClock.sleep },
  });
  const runs: GatewayRun[] = [];
  let webhooks: Awaited<ReturnType<typeof webhookRun>> | undefined;
  try {
    for (const [i, sync] of SYNCS.entries()) {
      line(
        `${i + 2}. taskgate POST /v1/callbacks/:token, fresh wait each, SQLite synchronous=${sync}` +
          `${sync === "full" ? " (one fsync per commit)" : " (default WAL setting)"}; CDF emulator ${emu.url} (no latency)`,
      );
      runs.push(await gatewayRun(sync, emu.url, emu.emulator, base.rps));
      line();
    }
    line(
      `${SYNCS.length + 2}. taskgate POST /hooks/:source, Standard Webhooks HMAC, 1 KB body, JSONata mapping, ` +
        "a fresh open wait each, SQLite synchronous=normal",
    );
    webhooks = await webhookRun({
      repo: REPO,
      emulatorUrl: emu.url,
      emulator: emu.emulator,
      baselineRps: base.rps,
      connections: CONNECTIONS,
      warmupSec: WARMUP,
      durationSec: DURATION,
      line,
      fmtLoad,
    });
    line();
  } finally {
    await emu.close();
  }

  const primary = runs.find((r) => r.synchronous === "normal") ?? runs[0];
  line("targets:");
  if (webhooks) {
    line(
      `  signed webhooks ratio >= ${WEBHOOK_TARGET_RATIO}: ${webhooks.ratio.toFixed(3)}  ${mark(webhooks.ratio >= WEBHOOK_TARGET_RATIO)}`,
    );
  }
  if (primary) {
    line(
      `  ratio >= ${TARGET_RATIO} (synchronous=${primary.synchronous}): ${primary.ratio.toFixed(3)}  ${mark(primary.ratio >= TARGET_RATIO)}`,
    );
    line(
      `  end-to-end p50 <= ${TARGET_E2E_P50_MS} ms (synchronous=${primary.synchronous}): ` +
        `${fmtMs(primary.latency.endToEnd.p50)}  ${mark(primary.latency.endToEnd.p50 <= TARGET_E2E_P50_MS)}`,
    );
  }
  line(`total bench time ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const summary = {
    machine: { cpus: cpu.length, model: cpu[0]?.model.trim(), node: process.version },
    settings: {
      connections: CONNECTIONS,
      warmupSec: WARMUP,
      durationSec: DURATION,
      bodyBytes: Buffer.byteLength(BODY),
      gatewayLogLevel: "info",
      latencyGapMs: LATENCY_GAP_MS,
    },
    baseline: { rps: r2(base.rps), p50: base.p50, p99: base.p99, non200: base.total - base.ok },
    taskgate: runs.map((r) => ({
      synchronous: r.synchronous,
      rps: r2(r.load.rps),
      ratio: Number(r.ratio.toFixed(3)),
      p50: r.load.p50,
      p99: r.load.p99,
      ok: r.load.ok,
      gatewayCpuMsPerCallback: r.cpuMsPerCallback === undefined ? null : r2(r.cpuMsPerCallback),
      gatewayCpuCores: r.cpuCores === undefined ? null : r2(r.cpuCores),
      non202: r.load.total - r.load.ok,
      errors: r.load.errors + r.load.timeouts,
      ranOutOfWaits: r.load.overflow > 0,
      forwardedPerSecDuringLoad: r2(r.forwardedDuringLoad / r.load.durationSec),
      drainMs: r.drainMs,
      waitsPerSec: r2(r.waitsPerSec),
      e2e: {
        n: r.latency.endToEnd.n,
        p50: r2(r.latency.endToEnd.p50),
        p99: r2(r.latency.endToEnd.p99),
        ackP50: r2(r.latency.ack.p50),
        updateAfter2xxP50: r2(r.latency.afterAck.p50),
        updateAfter2xxP99: r2(r.latency.afterAck.p99),
        gatewayCpuMsPerCallback: r.latencyCpuMs === undefined ? null : r2(r.latencyCpuMs),
        non202: r.latency.errors,
        missing: r.latency.missing,
      },
      targets: { ratio: r.ratio >= TARGET_RATIO, e2eP50: r.latency.endToEnd.p50 <= TARGET_E2E_P50_MS },
    })),
    webhooks: webhooks && {
      rps: r2(webhooks.load.rps),
      ratio: r2(webhooks.ratio),
      p50: webhooks.load.p50,
      p99: webhooks.load.p99,
      non202: Object.values(webhooks.load.otherStatuses).reduce((a, b) => a + b, 0),
      target: webhooks.ratio >= WEBHOOK_TARGET_RATIO,
    },
    totalSec: r2((Date.now() - started) / 1000),
  };
  line(`BENCH_SUMMARY ${JSON.stringify(summary)}`);
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
