import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { type Rng, seeded } from "../../../test/support/seeded.js";
import { TaskgateError } from "../errors.js";
import { compileFastPath, UNSURE, withFastPath } from "./fast-path.js";
import { applyMapping, compileMapping, MAPPING_BUDGET } from "./source-mapping.js";

const DEPTH = MAPPING_BUDGET.maxDepth;
const fastOf = (expression: string) => compileFastPath(jsonata(expression).ast(), DEPTH);

/**
 * The same answer, strictly: undefined is not null, a missing key is not one set to undefined,
 * keys come in the same order, objects have the same prototype (JSONata builds objects without
 * one), and an array's extra fields (JSONata's sequence flags) count.
 */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b))
    return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Plain names, names that need backticks, unicode, numeric-looking and prototype-ish keys. */
const KEYS = [
  "a",
  "b",
  "type",
  "data",
  "x y",
  "k-1",
  "a.b",
  "é",
  "日本",
  "0",
  "12",
  "constructor",
  "__proto__",
];
const STRINGS = ["", "x", "a", "sample.approved", "COMPLETED", "日本", "0", "true", "null"];
const NUMBERS = [0, 1, -1, 12, 1.5, 0.1 + 0.2, 1e21, 123456789.12345679, -0.000001234, 2 ** 53 + 2];

function scalar(r: Rng): unknown {
  switch (r.int(4)) {
    case 0:
      return r.pick(STRINGS);
    case 1:
      return r.pick(NUMBERS);
    case 2:
      return r.chance(0.5);
    default:
      return null;
  }
}

function value(r: Rng, depth: number): unknown {
  const roll = r.next();
  if (depth <= 0 || roll < 0.45) return scalar(r);
  if (roll < 0.6) return Array.from({ length: r.int(4) }, () => value(r, depth - 1));
  return object(r, depth - 1);
}

/** An object as JSON.parse builds it: every key its own property, `__proto__` included. */
function object(r: Rng, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 1 + r.int(7); i > 0; i--) {
    Object.defineProperty(out, r.pick(KEYS), {
      value: value(r, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A payload as JSON.parse gives it, now and then with keys JSONata treats specially. */
function documentOf(r: Rng): unknown {
  const doc = object(r, 4);
  if (r.chance(0.05)) (doc.data as Record<string, unknown> | undefined) ??= { _jsonata_lambda: true, a: 1 };
  if (r.chance(0.05)) return [doc];
  if (r.chance(0.03)) return r.pick(["text", 5, null]);
  return doc;
}

function nameOf(r: Rng, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !["and", "or", "in", "true", "false", "null"].includes(key))
    return r.chance(0.8) ? key : `\`${key}\``;
  return `\`${key}\``;
}

function literal(r: Rng): string {
  const v = scalar(r);
  return typeof v === "string" ? (r.chance(0.5) ? `'${v}'` : `"${v}"`) : String(v);
}

function pathOf(r: Rng): string {
  if (r.chance(0.1)) return `$${r.pick(["headers", "query"])}.${nameOf(r, r.pick(["x-id", "tag", "a"]))}`;
  return Array.from({ length: 1 + r.int(3) }, () => nameOf(r, r.pick(KEYS))).join(".");
}

/** A random expression in the fast path's subset. */
function expressionOf(r: Rng, depth: number): string {
  const roll = depth <= 0 ? r.int(2) : r.int(9);
  switch (roll) {
    case 0:
      return pathOf(r);
    case 1:
      return literal(r);
    case 2:
    case 3: {
      const op = r.pick(["=", "!=", "and", "or", "&"]);
      return `(${expressionOf(r, depth - 1)} ${op} ${expressionOf(r, depth - 1)})`;
    }
    case 4:
      return `${expressionOf(r, depth - 1)} ${r.pick(["=", "!="])} ${literal(r)}`;
    case 5:
      return `(${expressionOf(r, depth - 1)} ? ${expressionOf(r, depth - 1)} : ${expressionOf(r, depth - 1)})`;
    case 6:
      return `(${expressionOf(r, depth - 1)} ? ${expressionOf(r, depth - 1)})`;
    case 7: {
      const keys = [...new Set(Array.from({ length: r.int(4) }, () => r.pick(KEYS)))];
      return `{ ${keys.map((k) => `'${k}': ${expressionOf(r, depth - 1)}`).join(", ")} }`;
    }
    default:
      return `${pathOf(r)} = ${literal(r)} ? ${literal(r)} : ${literal(r)}`;
  }
}

describe("the JSONata fast path", () => {
  it("gives JSONata's exact result on thousands of generated expressions and payloads", async () => {
    const r = seeded(15);
    const docs = Array.from({ length: 40 }, () => documentOf(r));
    let cases = 0;
    let sure = 0;
    let defined = 0;
    for (let e = 0; e < 150; e++) {
      const text = expressionOf(r, 3);
      const compiled = jsonata(text);
      const fast = compileFastPath(compiled.ast(), DEPTH);
      expect(fast, text).toBeDefined();
      const wrapped = withFastPath(compiled, DEPTH);
      for (const doc of docs) {
        const bindings = r.chance(0.8)
          ? { headers: { "x-id": r.pick(["d-1", ""]), a: "h" }, query: r.chance(0.5) ? {} : { tag: "t" } }
          : undefined;
        const expected = await compiled.evaluate(doc, bindings);
        const got = fast!(doc, bindings);
        cases++;
        if (got !== UNSURE) {
          sure++;
          if (got !== undefined) defined++;
          expect(same(got, expected), `${text} on ${JSON.stringify(doc)}`).toBe(true);
        }
        expect(same(await wrapped.evaluate(doc, bindings), expected), text).toBe(true);
      }
    }
    expect(cases).toBe(6000);
    // The comparison means something only if the fast path answers most cases itself, and most of
    // those with a value (not every path missing).
    expect(sure / cases).toBeGreaterThan(0.6);
    expect(defined / sure).toBeGreaterThan(0.5);
  });

  it("answers the bench's mapping itself, as JSONata does", async () => {
    const body = {
      type: "sample.approved",
      data: { sampleId: "S-1", result: { value: 0.82, unit: "fraction" }, note: "" },
    };
    const expressions = [
      "data.sampleId",
      "type = 'sample.approved' ? 'COMPLETED' : type = 'sample.rejected' ? 'FAILED_WITH_TERMINAL_ERROR' : null",
      "{ 'sampleId': data.sampleId, 'result': data.result }",
    ];
    for (const text of expressions) {
      const got = fastOf(text)!(body, undefined);
      expect(got).not.toBe(UNSURE);
      expect(got).toStrictEqual(await jsonata(text).evaluate(body));
    }
    expect(fastOf(expressions[1]!)!({ ...body, type: "sample.rejected" }, undefined)).toBe(
      "FAILED_WITH_TERMINAL_ERROR",
    );
    expect(fastOf(expressions[1]!)!({ ...body, type: "other" }, undefined)).toBeNull();
  });

  it("is unsure where JSONata maps over an array, and the wrapper then gives JSONata's answer", async () => {
    const doc = { items: [{ id: 1 }, { id: 2 }], one: [{ id: "x" }], data: { list: ["a"] } };
    for (const text of ["items.id", "one.id", "data.list", "items.id = 1"]) {
      expect(fastOf(text)!(doc, undefined), text).toBe(UNSURE);
    }
    const wrapped = withFastPath(jsonata("items.id"), DEPTH);
    expect(wrapped.fast).toBe(true);
    expect([...((await wrapped.evaluate(doc)) as unknown[])]).toEqual([1, 2]);
    expect(await withFastPath(jsonata("one.id"), DEPTH).evaluate(doc)).toBe("x");
    // An array body: JSONata wraps it; the fast path leaves it to JSONata.
    expect(fastOf("'x'")!([1], undefined)).toBe(UNSURE);
  });

  it("keeps JSONata's rules for missing fields, types and undefined", () => {
    const run = (text: string, doc: unknown) => fastOf(text)!(doc, undefined);
    expect(run("a.b", { a: { c: 1 } })).toBeUndefined();
    expect(run("a.b", { a: null })).toBeUndefined();
    expect(run("a.b", { a: "text" })).toBeUndefined();
    expect(run("a", { a: null })).toBeNull();
    expect(run("a = '1'", { a: 1 })).toBe(false);
    expect(run("a != '1'", { a: 1 })).toBe(true);
    expect(run("a != 1", {})).toBe(false);
    expect(run("a = b", {})).toBe(false);
    expect(run("a & '-' & b", { a: 0.1 + 0.2, b: true })).toBe("0.3-true");
    expect(run("a ? 'y'", { a: {} })).toBeUndefined();
    expect(run("{ 'k': a, 'n': b }", { b: null })).toStrictEqual(
      Object.assign(Object.create(null), { n: null }),
    );
    expect(run("a.constructor", { a: {} })).toBeUndefined();
    expect(run("`x y`.`日本`", { "x y": { 日本: "v" } })).toBe("v");
  });

  it("is unsure of values it does not handle, and of deep equality", () => {
    const run = (text: string, doc: unknown) => fastOf(text)!(doc, undefined);
    expect(run("a", { a: Number.POSITIVE_INFINITY })).toBe(UNSURE);
    expect(run("a", { a: new Date(0) })).toBe(UNSURE);
    expect(run("a.b", { a: { _jsonata_function: true, b: 1 } })).toBe(UNSURE);
    expect(run("a = b", { a: { x: 1 }, b: { x: 1 } })).toBe(UNSURE);
    expect(run("a & 'x'", { a: { x: 1 } })).toBe(UNSURE);
    expect(run("$now", {})).toBe(UNSURE);
  });

  it.each([
    "$uppercase(a)",
    "a[0]",
    "a.b[]",
    "items[type = 'x'].id",
    "a + 1",
    "a < 1",
    "-a",
    "a.*",
    "**.a",
    "$",
    "$$.a",
    "$.a",
    "a.$headers",
    "(a; b)",
    "($x := 1; $x)",
    "{ 'a': 1, 'a': 2 }",
    "{ a: 1 }",
    "{ '_jsonata_lambda': 1 }",
    "a{ 'x': 1 }",
    "data.{ 'x': y }",
    "'a' in ['a']",
    "a ~> $string()",
    "[a, b]",
    "a.b#$i",
    "a@$x.b",
    "a > 1 ? 'x'",
    "$string(a)",
  ])("does not fast-path %s, which JSONata still evaluates", async (text) => {
    expect(fastOf(text)).toBeUndefined();
    const compiled = jsonata(text);
    const doc = { a: "x", b: 2, items: [{ type: "x", id: 1 }], data: { y: 3 } };
    const wrapped = withFastPath(compiled, DEPTH);
    expect(wrapped.fast).toBe(false);
    let expected: unknown;
    try {
      expected = await compiled.evaluate(doc);
    } catch (err) {
      await expect(wrapped.evaluate(doc)).rejects.toMatchObject({ code: (err as { code: string }).code });
      return;
    }
    expect(await wrapped.evaluate(doc)).toStrictEqual(expected);
  });

  it("leaves an expression nesting near the depth budget to JSONata, which stops it", async () => {
    const shallow = `${"(".repeat(20)}a${")".repeat(20)}`;
    expect(fastOf(shallow)).toBeDefined();
    const deep = `${"(".repeat(DEPTH)}a${")".repeat(DEPTH)}`;
    expect(fastOf(deep)).toBeUndefined();
    const { mapping } = compileMapping({ correlationKey: deep, status: "'COMPLETED'" });
    expect(mapping!.correlationKey.fast).toBe(false);
    await expect(applyMapping(mapping!, { a: "k" }, { headers: {}, query: {} })).rejects.toSatisfy(
      (e: unknown) => e instanceof TaskgateError && e.code === "mapping_failed",
    );
  });

  it("keeps the budget on expressions outside the subset", async () => {
    const { mapping } = compileMapping({
      correlationKey: "key",
      status: "'COMPLETED'",
      output: "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; { 'd': $f(100000) })",
    });
    expect(mapping!.correlationKey.fast).toBe(true);
    expect(mapping!.output!.fast).toBe(false);
    await expect(applyMapping(mapping!, { key: "k" }, { headers: {}, query: {} })).rejects.toSatisfy(
      (e: unknown) => e instanceof TaskgateError && e.code === "mapping_failed",
    );
  });
});
