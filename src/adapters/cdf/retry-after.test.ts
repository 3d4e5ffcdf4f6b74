import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

const now = Date.UTC(2026, 10, 6, 8, 49, 30); // Fri, 06 Nov 2026 08:49:30 GMT

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1_500);
  });

  it("reads an HTTP date relative to the injected now, in all three RFC 9110 forms", () => {
    expect(parseRetryAfter("Fri, 06 Nov 2026 08:49:37 GMT", now)).toBe(7_000);
    expect(parseRetryAfter("Friday, 06-Nov-26 08:49:37 GMT", now)).toBe(7_000);
    expect(parseRetryAfter("Fri Nov  6 08:49:37 2026", now)).toBe(7_000);
  });

  it("gives 0 for a date in the past", () => {
    expect(parseRetryAfter("Fri, 06 Nov 2026 08:00:00 GMT", now)).toBe(0);
  });

  it("gives undefined for a missing or unreadable header", () => {
    for (const value of [null, undefined, "", "  ", "soon", "-1", "12abc", "1e3", "Foo, 99 Bar 2026"]) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});
