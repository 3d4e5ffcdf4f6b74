import { setImmediate as nextTurn } from "node:timers/promises";
import type { Emulator } from "../src/emulator/emulator.js";

const UPDATE_PATH = /\/workflows\/tasks\/([^/]+)\/update$/;

/**
 * Reads task updates from the in-process emulator's request log: when each task's update arrived
 * (by the emulator's clock) and how it was answered. The log is truncated between phases so it
 * does not grow without bound.
 */
export class UpdateTracker {
  private scanned = 0;
  readonly arrivals = new Map<string, number>();
  private readonly entries: Emulator["requests"];

  constructor(emulator: Emulator) {
    this.entries = emulator.requests;
  }

  scan(): void {
    const entries = this.entries;
    for (; this.scanned < entries.length; this.scanned++) {
      const e = entries[this.scanned]!;
      if (e.method !== "POST") continue;
      const m = UPDATE_PATH.exec(e.path);
      if (m && !this.arrivals.has(m[1]!)) this.arrivals.set(m[1]!, e.time);
    }
  }

  /** Updates answered with something other than 200, by status (0 = still in flight or dropped). */
  failures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries) {
      if (e.method === "POST" && UPDATE_PATH.test(e.path) && e.status !== 200) {
        out[e.status] = (out[e.status] ?? 0) + 1;
      }
    }
    return out;
  }

  /** Forgets everything seen so far and empties the emulator's log in place. */
  reset(): void {
    this.entries.length = 0;
    this.scanned = 0;
    this.arrivals.clear();
  }

  /** Resolves with the update's arrival time, or `undefined` after `timeoutMs`. */
  async waitFor(taskId: string, timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.scan();
      const t = this.arrivals.get(taskId);
      if (t !== undefined) return t;
      if (Date.now() > deadline) return undefined;
      await nextTurn();
    }
  }

  /** Waits until `count` distinct tasks were updated; returns how long that took (ms), or -1. */
  async waitForCount(count: number, timeoutMs: number): Promise<number> {
    const start = Date.now();
    for (;;) {
      this.scan();
      if (this.arrivals.size >= count) return Date.now() - start;
      if (Date.now() - start > timeoutMs) return -1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
