import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureBuilt } from "./build.js";
import { startEmulatorChild } from "./emulator-child.js";
import { startScriptNodeFlags } from "./gateway.js";
import { cleanupNow, installCleanup, makeTempDir } from "./procs.js";
import { type Report, renderTable, withRatios } from "./report.js";
import {
  callbackScenario,
  echoScenario,
  type Figures,
  postgresScenario,
  type Settings,
  webhookScenario,
} from "./scenarios.js";

/**
 * `npm run bench`: the bare Hono echo app as the baseline, then taskgate (built, bin/taskgate.js)
 * in its own process against the CDF emulator in another: callback durable accept, signed
 * webhooks, accept-and-forward, and PostgreSQL with 1 and 2 replicas. Prints a table, or with
 * `--json` one JSON object. See bench/README.md for how to read it.
 *
 * Options: --quick (1 s warm-up + 3 s per scenario), --duration S (default 10), --warmup S
 * (default 2), --connections N (default 50), --only echo,callback,webhook,forward,pg1,pg2,
 * --pg-url URL (default postgresql://postgres@127.0.0.1:5432/test, or BENCH_PG_URL),
 * --cpu-prof DIR (V8 CPU profiles of the gateways; summarise with bench/profile-summary.ts),
 * --node-flags="FLAGS" (the Node/V8 flags of the gateway processes instead of those `npm start`
 * uses, read from package.json; `--node-flags=` runs them with Node's defaults; the echo baseline
 * and the emulator keep theirs), --forwarder-concurrency N (the accept-and-forward gateway's
 * `forwarder.concurrency` instead of the default 32).
 */

const SCENARIOS = ["echo", "callback", "webhook", "forward", "pg1", "pg2"] as const;

const { values: opts } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string", default: "50" },
    only: { type: "string", default: SCENARIOS.join(",") },
    "pg-url": {
      type: "string",
      default: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
    },
    "cpu-prof": { type: "string" },
    "node-flags": { type: "string" },
    "forwarder-concurrency": { type: "string" },
  },
});

const REPO = resolve(import.meta.dirname, "..");
const only = new Set(opts.only.split(",").map((x) => x.trim()));
for (const name of only) {
  if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario ${name}`);
}
// Ratios need the baseline of the same run.
only.add("echo");

const extraFlags =
  opts["node-flags"] === undefined
    ? startScriptNodeFlags(REPO)
    : opts["node-flags"].split(/\s+/).filter((f) => f !== "");

const profileDir = (root: string, scenario: string) => resolve(root, scenario.replace(/\W+/g, "-"));

const progress = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  installCleanup();
  const started = Date.now();
  const build = ensureBuilt(REPO);
  const logDir = makeTempDir("taskgate-bench-logs-");
  const profDir = opts["cpu-prof"] ? resolve(opts["cpu-prof"]) : undefined;
  const settings: Settings = {
    repo: REPO,
    logDir,
    connections: Number(opts.connections),
    warmupSec: Number(opts.warmup ?? (opts.quick ? 1 : 2)),
    durationSec: Number(opts.duration ?? (opts.quick ? 3 : 10)),
    drainTimeoutMs: 90_000,
    postgresUrl: opts["pg-url"],
    ...(opts["forwarder-concurrency"] ? { forwarderConcurrency: Number(opts["forwarder-concurrency"]) } : {}),
    nodeFlags: (name) => {
      if (!profDir) return extraFlags;
      mkdirSync(profileDir(profDir, name), { recursive: true });
      return [...extraFlags, "--cpu-prof", `--cpu-prof-dir=${profileDir(profDir, name)}`];
    },
    measured: (name, window) => {
      if (profDir) {
        writeFileSync(
          resolve(profileDir(profDir, name), "phases.json"),
          `${JSON.stringify({ load: window })}\n`,
        );
      }
    },
    log: progress,
  };

  const rows: Figures[] = [];
  const step = async (name: string, f: () => Promise<Figures>) => {
    progress(`bench: ${name}…`);
    const row = await f();
    rows.push(row);
    progress(`bench: ${name}: ${Math.round(row.acceptedPerSec)}/s, p99 ${row.p99Ms} ms`);
    return row;
  };

  const echo = await step("echo", () => echoScenario(settings));
  const emu = await startEmulatorChild({ repo: REPO, logDir });
  try {
    // The targets are 0.25-0.30x echo: fresh waits are sized so a run at 0.35x never runs dry.
    const ceilingRate = echo.acceptedPerSec * 0.35;
    let callbackRate = echo.acceptedPerSec * 0.1;
    if (only.has("callback")) {
      callbackRate = (await step("callback", () => callbackScenario(settings, emu, false, ceilingRate)))
        .acceptedPerSec;
    }
    if (only.has("webhook")) await step("webhook", () => webhookScenario(settings, emu, callbackRate));
    if (only.has("forward"))
      await step("accept-and-forward", () => callbackScenario(settings, emu, true, ceilingRate));
    for (const replicas of [1, 2]) {
      if (only.has(`pg${replicas}`)) {
        await step(`postgres x${replicas}`, () => postgresScenario(settings, emu, replicas, callbackRate));
      }
    }
  } finally {
    await emu.proc.stop();
  }

  const cpu = cpus();
  const report: Report = {
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    machine: {
      cpus: cpu.length,
      model: cpu[0]?.model.trim() ?? "?",
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      linux: release(),
      loadAvg1m: Math.round(loadavg()[0]! * 100) / 100,
    },
    settings: {
      connections: settings.connections,
      warmupSec: settings.warmupSec,
      durationSec: settings.durationSec,
      bodyBytes: 1024,
      build,
    },
    scenarios: withRatios(rows),
    totalSec: Math.round((Date.now() - started) / 100) / 10,
  };
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : renderTable(report));
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
