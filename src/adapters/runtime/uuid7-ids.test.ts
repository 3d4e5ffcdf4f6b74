import { describe, expect, it } from "vitest";
import { uuid7, uuid7Ids } from "./uuid7-ids.js";

describe("uuid7", () => {
  it("is a 36-character version-7 UUID whose order follows time", () => {
    const zeros = new Uint8Array(10);
    const a = uuid7(1_700_000_000_000, zeros);
    const b = uuid7(1_700_000_000_001, zeros);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });

  it("lays out the 48-bit time, version, variant and random bytes as RFC 9562 says", () => {
    const rand = new Uint8Array([0xff, 0x01, 0xff, 0x02, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);
    // RFC 9562 appendix A.6's timestamp: 0x017F22E279B0.
    expect(uuid7(0x017f22e279b0, rand)).toBe("017f22e2-79b0-7f01-bf02-102030405060");
    expect(uuid7(2 ** 48 - 1, new Uint8Array(10))).toBe("ffffffff-ffff-7000-8000-000000000000");
    expect(uuid7(-5, new Uint8Array(10))).toBe("00000000-0000-7000-8000-000000000000");
  });

  it("gives distinct ids at the same millisecond and randoms in [0, 1)", () => {
    const ids = uuid7Ids({ now: () => 5, sleep: async () => {} });
    const seen = new Set(Array.from({ length: 1000 }, () => ids.newId()));
    expect(seen.size).toBe(1000);
    for (let i = 0; i < 100; i++) {
      const r = ids.random();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
    }
  });

  it("sorts in the order drawn within a millisecond, and when the clock steps back", () => {
    let now = 1_700_000_000_000;
    const ids = uuid7Ids({ now: () => now, sleep: async () => {} });
    const drawn: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i === 1000) now += 1;
      if (i === 2000) now -= 5;
      drawn.push(ids.newId());
    }
    expect([...drawn].sort()).toEqual(drawn);
    expect(new Set(drawn).size).toBe(drawn.length);
    for (const id of drawn)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
