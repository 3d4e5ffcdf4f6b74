import { describe, expect, it } from "vitest";
import { sequenceRandom } from "../../test/support/test-clock.js";
import { DEFAULT_BACKOFF, fullJitterDelay, isRetryableStatus, retryDelay } from "./backoff.js";

const policy = DEFAULT_BACKOFF;

describe("fullJitterDelay", () => {
  it("is random() * min(max, base * 2^retry)", () => {
    expect(fullJitterDelay(0, () => 0.5, policy)).toBe(250);
    expect(fullJitterDelay(1, () => 0.5, policy)).toBe(500);
    expect(fullJitterDelay(3, () => 0.25, policy)).toBe(1000);
    expect(fullJitterDelay(0, () => 0, policy)).toBe(0);
  });

  it("caps the ceiling at maxDelayMs, even for absurd retry counts", () => {
    expect(fullJitterDelay(7, () => 0.5, policy)).toBe(30_000); // 500 * 128 = 64 000 → 60 000
    expect(fullJitterDelay(5_000, () => 0.999, policy)).toBeCloseTo(59_940);
    expect(fullJitterDelay(-3, () => 1, policy)).toBe(500);
  });
});

describe("retryDelay", () => {
  it("is plain full jitter without Retry-After", () => {
    expect(retryDelay(2, () => 0.5, policy)).toBe(1000);
    expect(retryDelay(2, () => 0.5, policy, 0)).toBe(1000);
  });

  it("never undercuts Retry-After, but keeps a longer jitter", () => {
    expect(retryDelay(0, () => 0.1, policy, 2_000)).toBe(2_000);
    expect(retryDelay(6, () => 0.9, policy, 2_000)).toBe(0.9 * 32_000);
  });

  it("caps Retry-After at maxRetryAfterMs", () => {
    expect(retryDelay(0, () => 0.1, policy, 3_600_000)).toBe(60_000);
    expect(retryDelay(0, () => 0.1, { ...policy, maxRetryAfterMs: 5_000 }, 3_600_000)).toBe(5_000);
  });

  it("draws exactly one random number per delay", () => {
    const random = sequenceRandom([0.5, 0.25]);
    expect([retryDelay(0, random, policy, 10_000), retryDelay(1, random, policy)]).toEqual([10_000, 250]);
  });
});

describe("isRetryableStatus", () => {
  it("retries 429, 502, 503 and 504 only", () => {
    const retryable = [400, 401, 403, 404, 409, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus);
    expect(retryable).toEqual([429, 502, 503, 504]);
  });
});
