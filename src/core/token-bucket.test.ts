import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./token-bucket.js";

const T0 = 1_750_000_000_000;

describe("TokenBuckets", () => {
  it("lets a burst through, then refuses with the time until the next token", () => {
    const b = new TokenBuckets({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(b.take("ip", T0)).toEqual({ ok: true });
    expect(b.take("ip", T0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(b.take("ip", T0 + 250)).toEqual({ ok: false, retryAfterMs: 250 });
    expect(b.take("ip", T0 + 500)).toEqual({ ok: true });
    expect(b.take("ip", T0 + 500).ok).toBe(false);
  });

  it("keeps keys apart and refills up to the burst only", () => {
    const b = new TokenBuckets({ ratePerSecond: 10, burst: 2 });
    expect(b.take("a", T0).ok).toBe(true);
    expect(b.take("a", T0).ok).toBe(true);
    expect(b.take("a", T0).ok).toBe(false);
    expect(b.take("b", T0).ok).toBe(true);
    // An hour idle refills two tokens, not 36,000.
    expect(b.take("a", T0 + 3_600_000).ok).toBe(true);
    expect(b.take("a", T0 + 3_600_000).ok).toBe(true);
    expect(b.take("a", T0 + 3_600_000).ok).toBe(false);
  });

  it("a rate of 0 is no limit", () => {
    const b = new TokenBuckets({ ratePerSecond: 0, burst: 1 });
    for (let i = 0; i < 100; i++) expect(b.take("ip", T0).ok).toBe(true);
    expect(b.size).toBe(0);
  });

  it("forgets the least recently seen keys past maxKeys (bounded memory under a spread flood)", () => {
    const b = new TokenBuckets({ ratePerSecond: 1, burst: 1, maxKeys: 3 });
    for (const k of ["a", "b", "c"]) b.take(k, T0);
    b.take("a", T0); // refused, but seen: now most recent
    b.take("d", T0);
    expect(b.size).toBe(3);
    expect(b.take("a", T0).ok).toBe(false); // still remembered
    expect(b.take("b", T0).ok).toBe(true); // forgotten, so it starts full
  });
});
