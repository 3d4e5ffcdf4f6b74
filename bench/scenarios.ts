import { createHmac, randomBytes } from "node:crypto";
import { callbackBody, LIMS_MAPPING, sampleBody } from "./body.js";
import type { EmulatorChild } from "./emulator-child.js";
import { type GatewayProcess, newGatewaySecrets, startGatewayProcess } from "./gateway.js";
import { type LoadOptions, type LoadResult, runLoad } from "./load.js";
import { cpuSeconds, peakRssMb, startChild } from "./procs.js";
import { Pool, registerWaits } from "./waits.js";

/** What every scenario is run with. */
export interface Settings {
  repo: string;
  logDir: string;
  connections: number;
  warmupSec: number;
  durationSec: number;
  /** Stops and drains give up after this long. */
  drainTimeoutMs: number;
  postgresUrl: string;
  nodeFlags: (name: string) => string[];
  /** The accept-and-forward gateway's `forwarder.concurrency` (CDF calls at once); default the config's (32). */
  forwarderConcurrency?: number;
  /** The measured run's window (monotonic µs, the clock of V8 CPU profiles), for profile-summary.ts. */
  measured?: (name: string, window: [number, number]) => void;
  log: (s: string) => void;
}

/** One row of the report. Rates are successful requests per second of the measured run. */
export interface Figures {
  scenario: string;
  acceptedPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered with anything but the expected status, plus connection errors and timeouts. */
  failed: number;
  /** The run stopped early because the fresh waits ran out. */
  ranOutOfWaits: boolean;
  forwardedPerSec?: number;
  /** After the load stopped, until CDF had every accepted callback's update; -1: not within the timeout. */
  drainMs?: number;
  /** Gateway CPU (user + system) per accepted request; with forwarding, up to the end of the drain. */
  cpuMsPerRequest?: number;
  peakRssMb?: number;
  roundTripsPerAccepted?: number;
  roundTripsPerForwarded?: number;
  /** CDF task updates answered with something other than 200, by status. */
  updateFailures?: Record<string, number>;
}

export const BODY = callbackBody(1024);
/** Long enough that a parked forwarder call never finishes (or times out) within a scenario. */
const PARK_MS = 10 * 60_000;
const PARKED = { cdfTimeout: "15m", forwarder: { lease: "15m" } };

function figures(scenario: string, load: LoadResult): Figures {
  return {
    scenario,
    acceptedPerSec: load.okPerSec,
    p50Ms: load.p50,
    p99Ms: load.p99,
    failed: load.total - load.ok + load.errors + load.timeouts,
    ranOutOfWaits: load.overflow > 0,
  };
}

/**
 * Fresh waits for a measured run: twice the warm-up's rate (a warm process runs faster than the
 * warm-up, which includes JIT warm-up and start-up), never under the ceiling's half, plus what
 * the connections hold in flight when the run stops.
 */
function measuredBatch(s: Settings, warmRate: number, ceilingRate: number): number {
  return Math.ceil(Math.max(warmRate * 2, ceilingRate / 2, 500) * s.durationSec) + s.connections * 4;
}

/**
 * How long a gateway with parked CDF calls gets to stop before it is killed. A profiled one
 * writes its CPU profile only on a clean exit, after the forwarder's 10 s grace for the parked
 * calls: killed sooner, the callback and webhook rows had no profile.
 */
const stopMs = (s: Settings, name: string): number =>
  s.nodeFlags(name).includes("--cpu-prof") ? 20_000 : 2_000;

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Runs the measured load and reports its window. */
async function measured(s: Settings, name: string, f: () => Promise<LoadResult>): Promise<LoadResult> {
  const start = monotonicUs();
  const result = await f();
  s.measured?.(name, [start, monotonicUs()]);
  return result;
}

const cpuMs = (pid: number | undefined, from: number | undefined, per: number): number | undefined => {
  const now = cpuSeconds(pid);
  return now === undefined || from === undefined ? undefined : ((now - from) * 1000) / Math.max(1, per);
};

/** The baseline: a bare Hono echo app on @hono/node-server, 1 KB JSON POST, same connections. */
export async function echoScenario(s: Settings): Promise<Figures> {
  const echo = await startChild({
    args: ["--import", "tsx", "bench/echo-server.ts"],
    cwd: s.repo,
    logDir: s.logDir,
    name: "echo",
    isReady: (l) => l.msg === "echo listening",
  });
  try {
    const url = echo.ready.url as string;
    const probe = await fetch(`${url}/echo`, { method: "POST", body: BODY });
    if (probe.status !== 200 || (await probe.text()) !== BODY) throw new Error("echo probe failed");
    const common = { url, path: "/echo", body: BODY, connections: s.connections, expectStatus: 200 };
    await runLoad({ ...common, durationSec: s.warmupSec, title: "echo warm-up" });
    const cpu0 = cpuSeconds(echo.child.pid);
    const load = await runLoad({ ...common, durationSec: s.durationSec, title: "echo" });
    return {
      ...figures("echo", load),
      cpuMsPerRequest: cpuMs(echo.child.pid, cpu0, load.ok),
      peakRssMb: peakRssMb(echo.child.pid),
    };
  } finally {
    await echo.stop();
  }
}

/** Sends one callback and insists on a 202. */
async function probeCallback(gw: GatewayProcess, path: string): Promise<void> {
  const res = await fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: BODY,
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`probe callback answered ${res.status}: ${text.slice(0, 300)}`);
}

/**
 * Callbacks on fresh open waits, SQLite. `forward`: the emulator answers task updates at once and
 * the run reports forwarding too; otherwise the emulator holds every update, so the forwarder sits
 * on its first calls and the figures are the durable accept alone.
 */
export async function callbackScenario(
  s: Settings,
  emu: EmulatorChild,
  forward: boolean,
  ceilingRate: number,
): Promise<Figures> {
  const name = forward ? "accept-and-forward" : "callback";
  await emu.reset();
  await emu.park(forward ? 0 : PARK_MS);
  const gw = await startGatewayProcess({
    repo: s.repo,
    cdfUrl: emu.url,
    synchronous: "normal",
    nodeFlags: s.nodeFlags(name),
    name,
    ...(forward
      ? s.forwarderConcurrency
        ? { forwarder: { concurrency: s.forwarderConcurrency } }
        : {}
      : PARKED),
  });
  try {
    s.log(`${name}: ${gw.command}`);
    const waits = async (n: number) =>
      registerWaits({
        gatewayUrl: gw.url,
        apiKey: gw.apiKey,
        taskIds: await emu.executions(n),
        log: (line) => s.log(`${name}: ${line}`),
      });
    const [probe] = await waits(1);
    await probeCallback(gw, probe!);
    let accepted = 1;
    if (forward && (await emu.waitForUpdates(1, 10_000)) < 0) {
      throw new Error("the probe callback never reached the emulator as a task update");
    }

    // Enough fresh waits that the warm-up never runs dry at the ceiling rate (a warm-up cut short
    // measured a cold process and undersized the measured run's batch).
    const pool = new Pool(
      await waits(Math.ceil(Math.max(500, ceilingRate) * s.warmupSec) + s.connections * 4),
    );
    const load: Omit<LoadOptions, "durationSec" | "title"> = {
      url: gw.url,
      nextPath: () => pool.next(),
      body: BODY,
      connections: s.connections,
      expectStatus: 202,
    };
    const warm = await runLoad({ ...load, durationSec: s.warmupSec, title: `${name} warm-up` });
    accepted += warm.ok;
    const needed = measuredBatch(s, warm.okPerSec, ceilingRate);
    pool.add(await waits(Math.max(0, needed - pool.remaining)));
    // The measured run starts with the forwarder idle.
    if (forward && (await emu.waitForUpdates(accepted, s.drainTimeoutMs)) < 0) {
      throw new Error("the warm-up's backlog did not drain");
    }

    const pid = gw.proc.child.pid;
    const before = await emu.count();
    const cpu0 = cpuSeconds(pid);
    const run = await measured(s, name, () => runLoad({ ...load, durationSec: s.durationSec, title: name }));
    const after = await emu.count();
    const out = figures(name, run);
    if (!forward) {
      return { ...out, cpuMsPerRequest: cpuMs(pid, cpu0, run.ok), peakRssMb: peakRssMb(pid) };
    }
    accepted += run.ok;
    const drainMs = await emu.waitForUpdates(accepted, s.drainTimeoutMs);
    const final = await emu.count();
    const { 200: _ok, ...updateFailures } = final.statuses;
    return {
      ...out,
      forwardedPerSec: (after.updated - before.updated) / run.durationSec,
      drainMs,
      cpuMsPerRequest: cpuMs(pid, cpu0, run.ok),
      peakRssMb: peakRssMb(pid),
      updateFailures,
    };
  } finally {
    await gw.proc.stop(forward ? 15_000 : stopMs(s, name));
  }
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body` with the decoded secret. */
function standardWebhooksSignature(secret: string, id: string, ts: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
}

/**
 * Signed webhooks: a Standard Webhooks (HMAC) source with a JSONata mapping, each request a fresh
 * 1 KB message matched to a fresh open wait and committed to SQLite. The forwarder is parked as in
 * the callback scenario. `expectedRate` (accepted/s) sizes the set of prepared messages.
 */
export async function webhookScenario(
  s: Settings,
  emu: EmulatorChild,
  expectedRate: number,
): Promise<Figures> {
  await emu.reset();
  await emu.park(PARK_MS);
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const gw = await startGatewayProcess({
    repo: s.repo,
    cdfUrl: emu.url,
    synchronous: "normal",
    nodeFlags: s.nodeFlags("webhook"),
    name: "webhook",
    ...PARKED,
    sources: {
      lims: {
        verify: { scheme: "standard-webhooks", secrets: [secret] },
        ...LIMS_MAPPING,
      },
    },
  });
  try {
    s.log(`webhook: ${gw.command}`);
    const count =
      Math.ceil(Math.max(expectedRate * 2, 500) * (s.warmupSec + s.durationSec)) + s.connections * 4;
    const keys = Array.from({ length: count }, (_, i) => `S-${i}-${randomBytes(4).toString("hex")}`);
    await registerWaits({
      gatewayUrl: gw.url,
      apiKey: gw.apiKey,
      taskIds: await emu.executions(count),
      extra: (i) => ({ source: "lims", correlationKey: keys[i] }),
      log: (line) => s.log(`webhook: ${line}`),
    });
    // Timestamps stay well inside the scheme's tolerance window for the whole run.
    const ts = Math.floor(Date.now() / 1000);
    const pool = new Pool(
      keys.map((key, i) => {
        const body = sampleBody(key, 1024);
        const id = `msg_${i}`;
        const headers = {
          "webhook-id": id,
          "webhook-timestamp": String(ts),
          "webhook-signature": standardWebhooksSignature(secret, id, ts, body),
        };
        return { path: "/hooks/lims", headers, body };
      }),
    );
    const load = {
      url: gw.url,
      nextRequest: () => pool.next(),
      body: "{}",
      connections: s.connections,
      expectStatus: 202,
    };
    await runLoad({ ...load, durationSec: s.warmupSec, title: "webhook warm-up" });
    const pid = gw.proc.child.pid;
    const cpu0 = cpuSeconds(pid);
    const run = await measured(s, "webhook", () =>
      runLoad({ ...load, durationSec: s.durationSec, title: "webhook" }),
    );
    return {
      ...figures("webhook", run),
      cpuMsPerRequest: cpuMs(pid, cpu0, run.ok),
      peakRssMb: peakRssMb(pid),
    };
  } finally {
    await gw.proc.stop(stopMs(s, "webhook"));
  }
}

/**
 * PostgreSQL, `replicas` gateways on one fresh schema, the load split evenly between them. First
 * the accept phase with the forwarder parked (accepted/s, round trips per accepted callback); then
 * those gateways are killed and as many fresh ones with the forwarder live drain the backlog
 * (round trips per forwarded callback, idle polls included).
 */
export async function postgresScenario(
  s: Settings,
  emu: EmulatorChild,
  replicas: number,
  expectedRate: number,
): Promise<Figures> {
  const name = `postgres x${replicas}`;
  const pg = (await import("pg")).default;
  const schema = `bench_${process.pid}_${Date.now()}_${replicas}`;
  const admin = new pg.Client({ connectionString: s.postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  // The migrator decides whether its bookkeeping tables exist by looking in every schema, so a
  // concurrent test's schema can make it skip creating them here and then fail to find them.
  // Creating them (empty, as it would) up front takes that race out of the figures.
  await admin.query(
    `create table ${schema}.taskgate_migrations (name varchar(255) primary key, timestamp varchar(255) not null);` +
      `create table ${schema}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`,
  );
  const url = new URL(s.postgresUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const secrets = newGatewaySecrets();
  const started: GatewayProcess[] = [];
  // One at a time, so the first one's migration is done before the next starts.
  const startAll = async (phase: string, extra: Record<string, unknown>) => {
    const gws: GatewayProcess[] = [];
    for (let i = 0; i < replicas; i++) {
      const gw = await startGatewayProcess({
        repo: s.repo,
        cdfUrl: emu.url,
        postgresUrl: url.toString(),
        countPg: true,
        secrets,
        name: `pg-${phase}-${i}`,
        nodeFlags: s.nodeFlags(`pg${replicas}-${phase}-${i}`),
        ...extra,
      });
      started.push(gw);
      gws.push(gw);
    }
    return gws;
  };
  const queries = async (gws: GatewayProcess[]) =>
    (await Promise.all(gws.map((g) => g.pgQueries()))).reduce((a, b) => a + b, 0);
  try {
    await emu.reset();
    await emu.park(PARK_MS);
    // A short lease: what the killed accept-phase gateways held is claimable again soon after.
    // One call slot: a parked call is cut before its lease ends (every ~2 s here) and recorded as
    // a retry; with 32 slots those cuts, their records and audit entries would be counted as
    // accept-phase round trips.
    const accepting = await startAll("accept", {
      cdfTimeout: "15m",
      forwarder: { lease: "3s", concurrency: 1 },
    });
    s.log(`${name}: ${accepting[0]!.command}`);
    const n = Math.ceil(Math.max(expectedRate * 2, 500) * (s.warmupSec + s.durationSec)) + s.connections * 4;
    const paths = await registerWaits({
      gatewayUrl: accepting[0]!.url,
      apiKey: secrets.apiKey,
      taskIds: await emu.executions(n),
      log: (line) => s.log(`${name}: ${line}`),
    });
    const pool = new Pool(paths);
    const loads = (durationSec: number, title: string) =>
      Promise.all(
        accepting.map((gw, i) =>
          runLoad({
            url: gw.url,
            nextPath: () => pool.next(),
            body: BODY,
            connections: Math.ceil(s.connections / replicas),
            expectStatus: 202,
            durationSec,
            title: `${title} ${i}`,
          }),
        ),
      );
    const warm = await loads(s.warmupSec, `${name} warm-up`);
    const q0 = await queries(accepting);
    const cpu0 = accepting.map((g) => cpuSeconds(g.proc.child.pid) ?? 0);
    const loadStart = monotonicUs();
    const runs = await loads(s.durationSec, name);
    for (let i = 0; i < replicas; i++) s.measured?.(`pg${replicas}-accept-${i}`, [loadStart, monotonicUs()]);
    const q1 = await queries(accepting);
    const cpu1 = accepting.map((g) => cpuSeconds(g.proc.child.pid) ?? 0);
    const ok = runs.reduce((a, r) => a + r.ok, 0);
    const accepted = ok + warm.reduce((a, r) => a + r.ok, 0);
    const durationSec = Math.max(...runs.map((r) => r.durationSec));
    const cpuMsPerRequest = (cpu1.reduce((a, b) => a + b, 0) - cpu0.reduce((a, b) => a + b, 0)) * 1000;
    // A profiled gateway needs time to write its profile as it exits.
    await Promise.all(accepting.map((g) => g.proc.stop(stopMs(s, "pg") === 2_000 ? 500 : 20_000)));

    await emu.park(0);
    // Counted from each drain gateway's start (its few start-up queries included): a replica
    // starts forwarding the moment it is up, before the next one is.
    const drainStart = monotonicUs();
    const draining = await startAll("drain", {});
    const drainMs = await emu.waitForUpdates(accepted, s.drainTimeoutMs);
    for (let i = 0; i < replicas; i++) s.measured?.(`pg${replicas}-drain-${i}`, [drainStart, monotonicUs()]);
    const drained = await queries(draining);
    const forwarded = (await emu.count()).updated;
    return {
      scenario: name,
      acceptedPerSec: ok / durationSec,
      // The worse of the replicas' percentiles.
      p50Ms: Math.max(...runs.map((r) => r.p50)),
      p99Ms: Math.max(...runs.map((r) => r.p99)),
      failed: runs.reduce((a, r) => a + r.total - r.ok + r.errors + r.timeouts, 0),
      ranOutOfWaits: runs.some((r) => r.overflow > 0),
      cpuMsPerRequest: cpuMsPerRequest / Math.max(1, ok),
      roundTripsPerAccepted: (q1 - q0) / Math.max(1, ok),
      roundTripsPerForwarded: drained / Math.max(1, forwarded),
      ...(drainMs < 0 ? { drainMs } : {}),
    };
  } finally {
    await Promise.all(started.map((g) => g.proc.stop(stopMs(s, "pg"))));
    await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {});
    await admin.end();
  }
}
