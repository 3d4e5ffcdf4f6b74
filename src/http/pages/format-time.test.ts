import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative, formatTimeLeft, formatUtc, isoTime } from "./format-time.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("formatUtc", () => {
  it("shows minutes in UTC, zero-padded", () => {
    expect(formatUtc(Date.UTC(2026, 10, 28, 19, 40, 59))).toBe("2026-11-28 19:40 UTC");
    expect(formatUtc(Date.UTC(2027, 0, 5, 3, 7))).toBe("2027-01-05 03:07 UTC");
  });

  it("does not throw on impossible times", () => {
    expect(formatUtc(Number.NaN)).toBe("an unknown time");
    expect(formatUtc(9e15)).toBe("an unknown time");
    expect(isoTime(Number.NaN)).toBeUndefined();
    expect(isoTime(0)).toBe("1970-01-01T00:00:00.000Z");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "less than a minute"],
    [59_999, "less than a minute"],
    [MIN, "1 min"],
    [59 * MIN + 59_999, "59 min"],
    [HOUR, "1 h"],
    [3 * HOUR + 12 * MIN + 30_000, "3 h 12 min"],
    [DAY, "1 d"],
    [2 * DAY + 5 * HOUR + 59 * MIN, "2 d 5 h"],
    [-5 * MIN, "less than a minute"],
  ])("%d ms is %s", (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });
});

describe("formatTimeLeft", () => {
  const expiresAt = Date.UTC(2026, 10, 28, 19, 40);

  it("counts down from now, never from the clock", () => {
    expect(formatTimeLeft(expiresAt - (3 * HOUR + 12 * MIN), expiresAt)).toBe(
      "Expires in 3 h 12 min (2026-11-28 19:40 UTC)",
    );
  });

  it("says expired at and after the deadline", () => {
    expect(formatTimeLeft(expiresAt, expiresAt)).toBe("Expired (2026-11-28 19:40 UTC)");
    expect(formatTimeLeft(expiresAt + DAY, expiresAt)).toBe("Expired (2026-11-28 19:40 UTC)");
  });
});

describe("formatRelative", () => {
  const now = Date.UTC(2026, 10, 28, 12, 0);
  it.each([
    [23 * HOUR, "in 23 hours"],
    [23 * HOUR + 59 * MIN, "in 23 hours"],
    [HOUR, "in 1 hour"],
    [47 * HOUR, "in 47 hours"],
    [2 * DAY + 5 * HOUR, "in 2 days"],
    [59 * MIN, "in 59 minutes"],
    [MIN, "in 1 minute"],
    [30_000, "in less than a minute"],
    [0, "already passed"],
    [-HOUR, "already passed"],
  ])("%d ms ahead is %s", (ahead, words) => {
    expect(formatRelative(now, now + ahead)).toBe(words);
  });
});
