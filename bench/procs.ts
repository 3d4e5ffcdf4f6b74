import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Child processes and temp dirs the bench made, removed on every way out: normal end, a thrown
 * error, Ctrl+C or SIGTERM. Children get their own process group so nothing they start lingers.
 */
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous last-resort cleanup (safe inside an `exit` handler). */
export function cleanupNow(): void {
  for (const child of children) killGroup(child, "SIGKILL");
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let installed = false;
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on("exit", cleanupNow);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children and removing temp dirs\n`);
      cleanupNow();
      process.exit(130);
    });
  }
}

export interface Started {
  child: ChildProcess;
  /** The parsed JSON line that announced readiness. */
  ready: Record<string, unknown>;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node <args>` with stdout going to a file (writes to a file cost the child what writes
 * to a pipe would, and cost the bench process nothing), and waits for a JSON line on stdout that
 * `isReady` accepts.
 */
export async function startChild(o: {
  args: string[];
  cwd: string;
  logDir: string;
  name: string;
  isReady: (line: Record<string, unknown>) => boolean;
  timeoutMs?: number;
  /** Open an IPC channel to the child (for `ipcCall`). */
  ipc?: boolean;
  env?: Record<string, string>;
}): Promise<Started> {
  const logFile = join(o.logDir, `${o.name}.stdout.log`);
  const errFile = join(o.logDir, `${o.name}.stderr.log`);
  const child = spawn(process.execPath, o.args, {
    cwd: o.cwd,
    detached: true,
    stdio: ["ignore", openSync(logFile, "w"), openSync(errFile, "w"), ...(o.ipc ? ["ipc" as const] : [])],
    env: { ...process.env, NODE_ENV: "production", ...o.env },
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  exited.then(() => children.delete(child));

  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  let ready: Record<string, unknown> | undefined;
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${o.name} exited during start-up:\n${tail(errFile)}\n${tail(logFile)}`);
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`${o.name} did not become ready in time:\n${tail(errFile)}\n${tail(logFile)}`);
    }
    for (const line of readFileSync(logFile, "utf8").split("\n")) {
      const parsed = parseJsonLine(line);
      if (parsed && o.isReady(parsed)) {
        ready = parsed;
        break;
      }
    }
    if (!ready) await delay(25);
  }

  const stop = async (graceMs = 5_000) => {
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, ready, logFile, stop };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of a process so far (VmHWM), in MB; undefined off Linux. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

let nextCallId = 0;

/** Sends `msg` (plus an id) over a child's IPC channel and resolves with the reply bearing that id. */
export function ipcCall<T extends { id: number }>(
  child: ChildProcess,
  msg: Record<string, unknown>,
  timeoutMs = 60_000,
): Promise<T> {
  const id = ++nextCallId;
  return new Promise<T>((resolve, reject) => {
    const onMessage = (reply: unknown) => {
      if ((reply as { id?: unknown }).id !== id) return;
      child.off("message", onMessage);
      clearTimeout(timer);
      resolve(reply as T);
    };
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error(`no IPC reply to ${JSON.stringify(msg)} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.send({ ...msg, id });
  });
}

/** USER_HZ; 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
