import { setTimeout as delay } from "node:timers/promises";

export interface EventuallyOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
  /** Pause between tries; default 50 ms. */
  intervalMs?: number;
  /** Named in the error when the deadline passes. */
  what?: string;
}

/**
 * Retries `fn` until it stops throwing (assertions inside are fine) and returns its value; past
 * the deadline, rethrows the last failure with what was being waited for. Use instead of sleeps.
 */
export async function eventually<T>(fn: () => T | Promise<T>, o: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const intervalMs = o.intervalMs ?? 50;
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      last = err;
    }
    if (performance.now() >= deadline) {
      const why = last instanceof Error ? last.message : String(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${o.what ?? "a condition"}: ${why}`, {
        cause: last,
      });
    }
    await delay(intervalMs);
  }
}

/** Waits until `predicate` holds. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  o: EventuallyOptions = {},
): Promise<void> {
  await eventually(async () => {
    if (!(await predicate())) throw new Error("not yet");
  }, o);
}
