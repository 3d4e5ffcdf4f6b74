import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { bundleSmoke, type SmokeBundle } from "../../scripts/smoke-bundle.js";
import {
  installedBinary,
  killAllPrograms,
  type RuntimeRun,
  runInWorkerd,
  runProgram,
  WORKERD_COMPATIBILITY_DATE,
} from "./runtimes.js";
import { type RuntimeName, SMOKE_STEPS, type SmokeReport } from "./smoke.js";

/** Per runtime: start-up plus the run. Each takes well under 2 s here; the margin is for slow CI. */
const RUNTIME_TIMEOUT_MS = 15_000;
/** The test's own limit: the runtime's, plus Miniflare's import and workerd's start-up. */
const TEST_TIMEOUT_MS = RUNTIME_TIMEOUT_MS + 5_000;
const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false";

/**
 * The runtime matrix: the same smoke bundle (the app on a memory store, the real CDF client, the
 * CDF emulator in-process) boots and completes a callback-URL flow on Node, Deno, Bun and workerd.
 * A runtime that is not installed skips locally but fails in CI, where `npm ci` installs them all.
 */
describe("runtime matrix: one bundle completes a callback-URL flow", { timeout: TEST_TIMEOUT_MS }, () => {
  let dir: string;
  let bundle: SmokeBundle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-smoke-"));
    bundle = await bundleSmoke(dir);
    console.log(`[runtime-matrix] bundle ${(bundle.bundleBytes / 1024).toFixed(1)} KiB`);
  });

  afterAll(() => {
    killAllPrograms();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("on node", async () => {
    const run = await runProgram(process.execPath, [bundle.cli], { cwd: dir, timeoutMs: RUNTIME_TIMEOUT_MS });
    expectPassed("node", run);
  });

  it("on deno (no permissions granted)", async (ctx) => {
    const deno = installedBinary("deno") ?? unavailable(ctx, "deno (the `deno` devDependency)");
    // No --allow-* flag and no prompt: any file, network or env access would fail the run.
    const run = await runProgram(
      deno,
      ["run", "--no-prompt", "--no-config", "--no-lock", "--no-remote", "--no-npm", bundle.cli],
      {
        cwd: dir,
        env: { DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, "deno-cache") },
        timeoutMs: RUNTIME_TIMEOUT_MS,
      },
    );
    expectPassed("deno", run);
  });

  it("on bun", async (ctx) => {
    const bun = installedBinary("bun") ?? unavailable(ctx, "bun (the `bun` devDependency)");
    const run = await runProgram(bun, ["--no-install", bundle.cli], {
      cwd: dir,
      timeoutMs: RUNTIME_TIMEOUT_MS,
    });
    expectPassed("bun", run);
  });

  it(`on workerd (Miniflare, compatibility date ${WORKERD_COMPATIBILITY_DATE})`, async (ctx) => {
    try {
      await import("miniflare");
    } catch {
      unavailable(ctx, "workerd (Miniflare, from the `wrangler` devDependency)");
    }
    const run = await runInWorkerd(bundle, RUNTIME_TIMEOUT_MS);
    expectPassed("workerd", run);
  });
});

/** Skips where a developer lacks a runtime; in CI a missing runtime is a failure, never a skip. */
function unavailable(ctx: TestContext, what: string): never {
  const message = `${what} is not installed; run npm ci`;
  if (IN_CI) throw new Error(`${message}. CI must run every runtime of the matrix.`);
  return ctx.skip(message);
}

/** The run exited cleanly, on the runtime it claims, with every step of the flow passed. */
function expectPassed(runtime: RuntimeName, run: RuntimeRun): void {
  const context = `${runtime}: exit ${run.code ?? run.signal}${run.timedOut ? " (timed out)" : ""} after ${run.ms} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  expect(run.timedOut, context).toBe(false);
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  let report: SmokeReport;
  try {
    report = JSON.parse(line) as SmokeReport;
  } catch {
    throw new Error(`no JSON report from ${context}`);
  }
  expect(report, context).toMatchObject({ runtime, ok: true });
  expect(
    report.steps.map((s) => s.name),
    context,
  ).toEqual([...SMOKE_STEPS]);
  expect(run.code, context).toBe(0);
  console.log(
    `[runtime-matrix] ${runtime}${report.version ? ` ${report.version}` : ""}: flow ${report.ms} ms, ` +
      `process ${run.ms} ms (${report.steps.map((s) => `${s.name} ${s.ms}`).join(", ")})`,
  );
}
