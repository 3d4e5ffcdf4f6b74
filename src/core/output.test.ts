import { describe, expect, it } from "vitest";
import { jsonByteLength } from "./canonical-json.js";
import { TaskgateError } from "./errors.js";
import { assertOutputAllowed, assertOutputSize, findNull } from "./output.js";

describe("findNull", () => {
  it("finds nothing in a value without null", () => {
    expect(findNull({ a: 1, b: [true, "x", { c: {} }], d: "" })).toBeUndefined();
    expect(findNull([])).toBeUndefined();
    expect(findNull("text")).toBeUndefined();
  });

  it("names the path of the first null, depth first, through objects and arrays", () => {
    expect(findNull(null)).toEqual([]);
    expect(findNull({ a: null })).toEqual(["a"]);
    expect(findNull({ a: [1, { b: null }], c: null })).toEqual(["a", 1, "b"]);
    expect(findNull({ x: { y: 1 }, z: [[0, null]] })).toEqual(["z", 0, 1]);
  });

  it("looks at own keys only", () => {
    const inherited = Object.create({ ghost: null }) as Record<string, unknown>;
    inherited.real = 1;
    expect(findNull(inherited)).toBeUndefined();
  });
});

describe("output size", () => {
  const output = { note: "n".repeat(100 * 1024) };

  it("refuses an output over CDF's 100 KB with output_too_large and the size", () => {
    const err = (() => {
      try {
        assertOutputAllowed(output);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TaskgateError);
    expect((err as TaskgateError).code).toBe("output_too_large");
    expect((err as TaskgateError).details).toMatchObject({ bytes: jsonByteLength(output), limit: 102400 });
  });

  it("takes the size a caller already measured instead of serialising again", () => {
    expect(() => assertOutputSize({ small: 1 }, 102_401)).toThrow(/102401 bytes/);
    expect(() => assertOutputAllowed(output, 10)).not.toThrow();
  });

  it("checks the reserved key and the numbers before the size", () => {
    expect(() => assertOutputAllowed({ taskgate: {} }, 10)).toThrow(/taskgate's own/);
    expect(() => assertOutputAllowed({ n: Number.POSITIVE_INFINITY }, 10)).toThrow(/not finite/);
  });
});
