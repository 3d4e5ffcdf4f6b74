#!/usr/bin/env node
/**
 * How long `npm start` takes until /healthz answers, in local mode: warm (dist/ is current, so
 * nothing compiles) and cold (dist/.build-stamp removed first, so `prestart` runs tsc).
 *
 *   node scripts/start-time.mjs [--runs 3] [--port 41520] [--cold]
 *
 * Prints each run, the median and the load average (the figure means little without it).
 * Plain JavaScript, like build-if-stale.mjs: it runs before anything is compiled.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    port: { type: "string", default: "41520" },
    cold: { type: "boolean", default: false },
  },
});
const root = join(import.meta.dirname, "..");
const runs = Number(values.runs);
const url = `http://127.0.0.1:${values.port}/healthz`;

async function answers() {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function once() {
  if (await answers()) throw new Error(`something already answers ${url}`);
  if (values.cold) rmSync(join(root, "dist", ".build-stamp"), { force: true });
  const log = join(tmpdir(), `taskgate-start-time-${process.pid}.log`);
  const fd = openSync(log, "w");
  const started = performance.now();
  // Its own process group, so npm, its shell and the gateway stop together.
  const child = spawn("npm", ["start", "--", "--port", values.port], {
    cwd: root,
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...process.env, TASKGATE_CONFIG: "", PORT: "" },
  });
  closeSync(fd);
  let exitCode = null;
  const exited = new Promise((resolve) =>
    child.once("exit", (code) => {
      exitCode = code;
      resolve();
    }),
  );
  try {
    for (;;) {
      if (await answers()) return performance.now() - started;
      if (exitCode !== null) {
        throw new Error(`npm start exited with ${exitCode}:\n${readFileSync(log, "utf8").slice(-2000)}`);
      }
      if (performance.now() - started > 300_000) throw new Error("no answer within 300 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // the group is gone already
      }
      await exited;
    }
    rmSync(log, { force: true });
    while (await answers()) await new Promise((r) => setTimeout(r, 50));
  }
}

const times = [];
for (let i = 0; i < runs; i++) {
  const ms = await once();
  times.push(ms);
  console.log(`${values.cold ? "cold" : "warm"} run ${i + 1}: ${(ms / 1000).toFixed(2)} s`);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(
  `${values.cold ? "cold" : "warm"}: median ${(median / 1000).toFixed(2)} s of ${runs} ` +
    `(min ${(sorted[0] / 1000).toFixed(2)}, max ${(sorted.at(-1) / 1000).toFixed(2)}); ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${availableParallelism()} cores`,
);
