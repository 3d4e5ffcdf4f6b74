import { describe, expect, it } from "vitest";
import { TaskgateError } from "../errors.js";
import { checkTolerance, parseIsoTimestamp, parseUnixSeconds } from "./timestamp.js";

describe("timestamps", () => {
  it("reads Unix seconds strictly", () => {
    expect(parseUnixSeconds("1614265330")).toBe(1614265330);
    for (const bad of ["", " 1", "1 ", "+1", "-1", "1.5", "1e9", "12abc", "0x10", "1234567890123"]) {
      expect(parseUnixSeconds(bad), bad).toBeUndefined();
    }
  });

  it("reads ISO 8601 timestamps with a zone only", () => {
    expect(parseIsoTimestamp("2021-07-25T10:00:00Z")).toBe(Date.UTC(2021, 6, 25, 10));
    expect(parseIsoTimestamp("2021-07-25T12:00:00+02:00")).toBe(Date.UTC(2021, 6, 25, 10));
    expect(parseIsoTimestamp("2021-07-25T10:00:00")).toBeUndefined();
    expect(parseIsoTimestamp("2021-07-25")).toBeUndefined();
  });

  it("passes at exactly the tolerance in both directions and fails 1 ms beyond", () => {
    const now = 1_000_000_000;
    const code = (ts: number) => {
      try {
        checkTolerance("hmac", ts, now, 300_000);
        return "ok";
      } catch (err) {
        return err instanceof TaskgateError ? `${err.code}/${String(err.details?.reason)}` : "unexpected";
      }
    };
    expect(code(now - 300_000)).toBe("ok");
    expect(code(now + 300_000)).toBe("ok");
    expect(code(now - 300_001)).toBe("timestamp_out_of_tolerance/stale");
    expect(code(now + 300_001)).toBe("timestamp_out_of_tolerance/future");
  });
});
