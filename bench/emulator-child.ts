import type { EmulatorReply } from "./emulator-protocol.js";
import { delay, ipcCall, type Started, startChild } from "./procs.js";

/** The CDF emulator running in its own process (emulator-process.ts), as the bench drives it. */
export interface EmulatorChild {
  url: string;
  proc: Started;
  /** Makes `count` executions with one async task each; their task ids. */
  executions(count: number): Promise<string[]>;
  /** Holds every task update for `ms` before answering it (0: answer at once). */
  park(ms: number): Promise<void>;
  /** Distinct tasks updated (answered 200) since the last reset, and answered updates by status. */
  count(): Promise<{ updated: number; statuses: Record<string, number> }>;
  /** Waits until `n` tasks were updated; ms it took, or -1 after `timeoutMs`. */
  waitForUpdates(n: number, timeoutMs: number): Promise<number>;
  reset(): Promise<void>;
}

export async function startEmulatorChild(o: { repo: string; logDir: string }): Promise<EmulatorChild> {
  const proc = await startChild({
    args: ["--import", "tsx", "bench/emulator-process.ts"],
    cwd: o.repo,
    logDir: o.logDir,
    name: "emulator",
    ipc: true,
    isReady: (l) => l.msg === "emulator listening",
  });
  const call = (msg: Record<string, unknown>) => ipcCall<EmulatorReply>(proc.child, msg);
  const count = async () => {
    const r = await call({ type: "count" });
    return { updated: r.updated ?? 0, statuses: r.statuses ?? {} };
  };
  return {
    url: proc.ready.url as string,
    proc,
    executions: async (n) => {
      const ids: string[] = [];
      // Batches keep each IPC message small and let the emulator answer updates in between.
      for (let done = 0; done < n; done += 2000) {
        ids.push(...((await call({ type: "executions", count: Math.min(2000, n - done) })).taskIds ?? []));
      }
      return ids;
    },
    park: async (ms) => {
      await call({ type: "park", ms });
    },
    count,
    waitForUpdates: async (n, timeoutMs) => {
      const start = Date.now();
      for (;;) {
        if ((await count()).updated >= n) return Date.now() - start;
        if (Date.now() - start > timeoutMs) return -1;
        await delay(20);
      }
    },
    reset: async () => {
      await call({ type: "reset" });
    },
  };
}
