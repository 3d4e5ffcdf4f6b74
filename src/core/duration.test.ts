import { describe, expect, it } from "vitest";
import { DurationSchema, parseDuration } from "./duration.js";
import { TaskgateError } from "./errors.js";

describe("parseDuration", () => {
  it.each([
    [0, 0],
    [1500, 1500],
    ["0", 0],
    ["250", 250],
    ["500ms", 500],
    ["30s", 30_000],
    ["15m", 900_000],
    ["24h", 86_400_000],
    ["7d", 604_800_000],
    [" 5s ", 5_000],
  ] as const)("%j is %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    "",
    "s",
    "1.5h",
    "1h30m",
    "10 s",
    "5w",
    "5S",
    "-5s",
    "abc",
    "1e3",
    1.5,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    "99999999999999999d",
  ])("refuses %j with invalid_request", (input) => {
    let thrown: unknown;
    try {
      parseDuration(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TaskgateError);
    const err = thrown as TaskgateError;
    expect(err.code).toBe("invalid_request");
    expect(err.message).toMatch(/^not a duration: /);
  });

  it("explains the accepted forms without repeating the value", () => {
    expect(() => parseDuration("secretish-5x")).toThrow(/e\.g\. "30s", "15m", "24h" or "7d"/);
    try {
      parseDuration("secretish-5x");
    } catch (err) {
      expect((err as Error).message).not.toContain("secretish");
    }
  });
});

describe("DurationSchema", () => {
  it("transforms to milliseconds", () => {
    expect(DurationSchema.parse("24h")).toBe(86_400_000);
    expect(DurationSchema.parse(42)).toBe(42);
  });

  it.each([["1.5h"], [true], [null], [{}]])(
    "refuses %j with a custom issue saying what a duration is",
    (v) => {
      const result = DurationSchema.safeParse(v);
      expect(result.success).toBe(false);
      const issue = result.error!.issues[0]!;
      expect(issue.code).toBe("custom");
      expect(issue.message).toMatch(/duration/);
      expect(issue.message).toMatch(/"30s"/);
    },
  );
});
