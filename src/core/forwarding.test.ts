import { describe, expect, it } from "vitest";
import type { CdfFailure } from "./cdf-error.js";
import { alreadyApplied, decideAfterFailure, type FailureContext } from "./forwarding.js";

const NOW = 1_000_000;
const ctx = (over: Partial<FailureContext> = {}): FailureContext => ({
  now: NOW,
  attempt: 1,
  deliverUntil: NOW + 3_600_000,
  canReconcile: false,
  random: () => 0.5,
  schedule: { baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 120_000 },
  ...over,
});
const http = (status: number, over: Partial<CdfFailure> = {}): CdfFailure => ({
  kind: "http",
  status,
  message: `status ${status}`,
  retryable: [429, 502, 503, 504].includes(status),
  ...over,
});
const network: CdfFailure = { kind: "network", message: "socket hang up", retryable: true };

describe("decideAfterFailure", () => {
  it.each([
    [network, 1, NOW + 500],
    [http(503), 1, NOW + 500],
    [http(502), 3, NOW + 2000],
    [http(504), 10, NOW + 30_000],
  ])("retries transient failures with full jitter (%#)", (failure, attempt, at) => {
    expect(decideAfterFailure(failure, ctx({ attempt }))).toEqual({ kind: "retry", at });
  });

  it("never waits less than Retry-After, and caps it", () => {
    expect(decideAfterFailure(http(429, { retryAfterMs: 7000 }), ctx())).toEqual({
      kind: "retry",
      at: NOW + 7000,
    });
    expect(decideAfterFailure(http(429, { retryAfterMs: 10_000_000 }), ctx())).toEqual({
      kind: "retry",
      at: NOW + 120_000,
    });
  });

  it("retries a 401 that survived a token refresh (credentials get fixed)", () => {
    expect(decideAfterFailure(http(401), ctx()).kind).toBe("retry");
  });

  it("dead-letters when the next attempt would fall after deliverUntil", () => {
    const d = decideAfterFailure(http(503), ctx({ deliverUntil: NOW + 499 }));
    expect(d).toEqual({ kind: "dead", reason: "gave up after 1 attempts: status 503" });
    expect(decideAfterFailure(http(503), ctx({ deliverUntil: NOW + 500 })).kind).toBe("retry");
  });

  it("dead-letters an unknown task at once", () => {
    expect(decideAfterFailure(http(404), ctx({ canReconcile: true }))).toEqual({
      kind: "dead",
      reason: "status 404",
    });
  });

  it("says so when it dead-letters a refusal that may follow an applied update it cannot check", () => {
    const d = decideAfterFailure(
      http(400, { message: "not IN_PROGRESS" }),
      ctx({ earlierOutcomeUnknown: true }),
    );
    expect(d.kind).toBe("dead");
    expect(d.kind === "dead" && d.reason).toMatch(
      /^not IN_PROGRESS \(an earlier attempt ended without an answer/,
    );
    expect(decideAfterFailure(http(400), ctx({ earlierOutcomeUnknown: true, canReconcile: true }))).toEqual({
      kind: "reconcile",
    });
  });

  it("reconciles other 4xx when the execution is known, else dead-letters with CDF's message", () => {
    expect(decideAfterFailure(http(400), ctx({ canReconcile: true }))).toEqual({ kind: "reconcile" });
    expect(decideAfterFailure(http(400, { message: "Task is not IN_PROGRESS" }), ctx())).toEqual({
      kind: "dead",
      reason: "Task is not IN_PROGRESS",
    });
    expect(decideAfterFailure(http(403), ctx()).kind).toBe("dead");
  });
});

describe("alreadyApplied", () => {
  it("matches only the requested status", () => {
    expect(alreadyApplied("COMPLETED", "COMPLETED")).toBe(true);
    expect(alreadyApplied("COMPLETED", "CANCELED")).toBe(false);
    expect(alreadyApplied("FAILED", "FAILED")).toBe(true);
    expect(alreadyApplied("FAILED_WITH_TERMINAL_ERROR", "FAILED")).toBe(false);
  });
});
