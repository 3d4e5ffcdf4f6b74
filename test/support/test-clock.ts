import type { Clock } from "../../src/ports/clock.js";

/**
 * A clock for tests: time moves only when told, and `sleep` advances it at once and records the
 * requested delay, so backoff and token-expiry paths run instantly and can be asserted exactly.
 */
export class TestClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = 1_750_000_000_000) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** A deterministic random source cycling through the given values. */
export function sequenceRandom(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}
