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

/** Two hex digits per byte value: formatting an id is a string concatenation per byte. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Formats a UUIDv7 from a timestamp and 10 random bytes (exported for tests). */
export function uuid7(ms: number, rand: Uint8Array): string {
  const t = Math.max(0, Math.floor(ms));
  // 48 bits of milliseconds: the high 16 and the low 32, each exact in a double.
  const high = Math.floor(t / 0x1_0000_0000) & 0xffff;
  const low = t % 0x1_0000_0000;
  const h = HEX;
  return (
    h[(high >>> 8) & 0xff]! +
    h[high & 0xff]! +
    h[Math.floor(low / 0x100_0000) & 0xff]! +
    h[(low >>> 16) & 0xff]! +
    "-" +
    h[(low >>> 8) & 0xff]! +
    h[low & 0xff]! +
    "-" +
    h[(rand[0]! & 0x0f) | 0x70]! +
    h[rand[1]!]! +
    "-" +
    h[(rand[2]! & 0x3f) | 0x80]! +
    h[rand[3]!]! +
    "-" +
    h[rand[4]!]! +
    h[rand[5]!]! +
    h[rand[6]!]! +
    h[rand[7]!]! +
    h[rand[8]!]! +
    h[rand[9]!]!
  );
}
