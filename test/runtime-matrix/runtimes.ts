import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SmokeBundle } from "../../scripts/smoke-bundle.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** The newest date the pinned workerd accepts (see the toolchain notes). */
export const WORKERD_COMPATIBILITY_DATE = "2026-04-26";

/** What one runtime did: its exit, its output, and how long the whole process took. */
export interface RuntimeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit (runtime start-up included), or to the answer on workerd. */
  ms: number;
  timedOut: boolean;
}

/**
 * A runtime binary installed from its registry package by `npm ci` (the `deno` and `bun`
 * devDependencies), never one from PATH or a download at test time, so CI tests the pinned build.
 */
export function installedBinary(name: "deno" | "bun"): string | undefined {
  const path = join(ROOT, "node_modules", ".bin", name);
  return existsSync(path) ? path : undefined;
}

const children = new Set<ChildProcess>();

/**
 * Runs one program to its end, in its own process group so a timeout (or a runtime that starts a
 * server of its own) takes every process it started with it.
 */
export function runProgram(
  command: string,
  args: string[],
  o: { cwd: string; env?: Record<string, string>; timeoutMs: number },
): Promise<RuntimeRun> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: o.cwd,
    env: { ...process.env, NO_COLOR: "1", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, o.timeoutMs);
  return new Promise((done) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      // Whatever the program left running in its group (a stray server) ends with it.
      killGroup(child);
      children.delete(child);
      done({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started), timedOut });
    };
    child.once("error", (err) => {
      stderr += `\nspawn failed: ${err.message}`;
      finish(null, null);
    });
    child.once("close", finish);
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

/** For afterAll: no runtime outlives the test file, whatever failed half-way. */
export function killAllPrograms(): void {
  for (const child of children) killGroup(child);
  children.clear();
}

/**
 * Runs the smoke bundle inside workerd through the Miniflare API: the bundle and its module-worker
 * host as ES modules, no network (`cf: false`), one request whose answer is the report. Imported
 * lazily, so a missing Miniflare fails (or skips) only the workerd case.
 */
export async function runInWorkerd(bundle: SmokeBundle, timeoutMs: number): Promise<RuntimeRun> {
  const { Miniflare } = await import("miniflare");
  const started = performance.now();
  const mf = new Miniflare({
    modules: [
      { type: "ESModule", path: bundle.worker },
      { type: "ESModule", path: bundle.bundle },
    ],
    modulesRoot: bundle.dir,
    compatibilityDate: WORKERD_COMPATIBILITY_DATE,
    cf: false,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<"timeout">((done) => {
      timer = setTimeout(() => done("timeout"), timeoutMs);
    });
    const answer = await Promise.race([
      mf
        .dispatchFetch("http://smoke.local/")
        .then(async (res) => ({ status: res.status, text: await res.text() })),
      timeout,
    ]);
    const ms = Math.round(performance.now() - started);
    if (answer === "timeout") return { code: null, signal: null, stdout: "", stderr: "", ms, timedOut: true };
    const ok = answer.status === 200;
    return {
      code: ok ? 0 : answer.status,
      signal: null,
      stdout: answer.text,
      stderr: ok ? "" : `HTTP ${answer.status}`,
      ms,
      timedOut: false,
    };
  } finally {
    clearTimeout(timer);
    await mf.dispose();
  }
}
