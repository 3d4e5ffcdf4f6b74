import { describe, expect, it } from "vitest";
import type { TaskgateError } from "./errors.js";
import { assertJsonDepth, assertPlainJsonValue, parseJsonChecked } from "./json-limits.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as TaskgateError).code;
  }
  return "ok";
};

describe("JSON limits", () => {
  it("counts depth on the text, ignoring brackets inside strings and escaped quotes", () => {
    expect(code(() => assertJsonDepth(`${"[".repeat(64)}${"]".repeat(64)}`))).toBe("ok");
    expect(code(() => assertJsonDepth(`${"[".repeat(65)}${"]".repeat(65)}`))).toBe("too_deep");
    expect(code(() => assertJsonDepth(JSON.stringify({ s: `\\"${"[".repeat(500)}` })))).toBe("ok");
  });

  it("refuses 100,000 levels without overflowing the stack", () => {
    expect(code(() => parseJsonChecked(`${"[".repeat(100_000)}${"]".repeat(100_000)}`))).toBe("too_deep");
  });

  it("finds a non-finite number anywhere, and names where", () => {
    expect(code(() => parseJsonChecked('{"a":[1,{"b":1e999}]}'))).toBe("invalid_number");
    expect(() => assertPlainJsonValue({ a: [1, { b: Number.NaN }] })).toThrow("/a/1/b");
    expect(code(() => parseJsonChecked('{"a":[1.5e308,-0,0]}'))).toBe("ok");
  });

  it("walks a parsed value's depth without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(code(() => assertPlainJsonValue(deep))).toBe("too_deep");
  });

  it("keeps malformed JSON a malformed_body", () => {
    expect(code(() => parseJsonChecked("{"))).toBe("malformed_body");
  });
});
