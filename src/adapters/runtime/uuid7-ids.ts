import type { Clock } from "../../ports/clock.js";
import type { Ids } from "../../ports/ids.js";

/**
 * UUIDv7 (RFC 9562): 48 bits of milliseconds, then randomness, so ids sort by creation time and
 * make cheap, stable cursors; within one process they also sort in the order they were drawn.
 * Web Crypto only, so it runs on every runtime.
 */
export function uuid7Ids(clock: Clock): Ids {
  // Random bytes are drawn 4 KB at a time: one getRandomValues call per id costs more than the id.
  // The pool is filled on first use (Workers forbid randomness at module load).
  let pool = new Uint8Array(0);
  let offset = 0;
  const take = (n: number): Uint8Array => {
    if (offset + n > pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(4096));
      offset = 0;
    }
    offset += n;
    return pool.subarray(offset - n, offset);
  };
  // Monotonic within a process (RFC 9562 §6.2, method 2): ids drawn in the same millisecond (an
  // approval's decision and its close, an attempt and its audit entry) count up from the first's
  // random bits, so sorting by id keeps the order they were made in. The counter is bytes 3..9
  // (56 bits, its top bit cleared at each new millisecond): it never carries into the bits the
  // version and variant overwrite.
  let lastMs = -1;
  const last = new Uint8Array(10);
  const next = (now: number): string => {
    const ms = Math.max(0, Math.floor(now));
    if (ms > lastMs) {
      lastMs = ms;
      last.set(take(10));
      last[3] = last[3]! & 0x7f;
    } else {
      // Same millisecond, or the clock stepped back: keep counting from the last id.
      for (let i = 9; i >= 3; i--) {
        last[i] = (last[i]! + 1) & 0xff;
        if (last[i] !== 0) break;
      }
    }
    return uuid7(lastMs, last);
  };
  return {
    newId: () => next(clock.now()),
    random: () => {
      const b = take(4);
      return (((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!) / 0x1_0000_0000;
    },
  };
}

/** Formats a UUIDv7 from a timestamp and 10 random bytes (exported for tests). */
export function uuid7(ms: number, rand: Uint8Array): string {
  const b = new Uint8Array(16);
  let t = Math.max(0, Math.floor(ms));
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b.set(rand.subarray(0, 10), 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
