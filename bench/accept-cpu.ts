import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { registerWaits, sendCallbacks, startHeldGateway } from "./in-process.js";

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

const dir = mkdtempSync(join(tmpdir(), "taskgate-accept-cpu-"));
const held = await startHeldGateway(repo, dir);
const batch = (paths: string[]) => sendCallbacks(held, paths, CONCURRENCY);

const paths = await registerWaits(held, perTrial * (trials + 1));
await batch(paths.slice(0, perTrial)); // warm-up
const results: { cpuUs: number; failed: number }[] = [];
for (let t = 1; t <= trials; t++) {
  await new Promise((r) => setTimeout(r, 50));
  results.push(await batch(paths.slice(t * perTrial, (t + 1) * perTrial)));
}
await held.gateway.close(1000);
rmSync(dir, { recursive: true, force: true });
const cpu = results.map((r) => r.cpuUs).sort((a, b) => a - b);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(
  `${repo}: CPU µs per callback accept: min ${cpu[0]!.toFixed(0)}, median ${cpu[Math.floor(cpu.length / 2)]!.toFixed(0)} ` +
    `(${trials} batches of ${perTrial}; ${failed} not 202; load average ${loadavg()[0]!.toFixed(2)})\n`,
);
process.exit(failed > 0 ? 1 : 0);
