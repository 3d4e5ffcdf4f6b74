import { describe, expect, it } from "vitest";
import { parseJsonc } from "./jsonc.js";

describe("parseJsonc", () => {
  it.each([
    ["line comment", '{"a": 1} // note', { a: 1 }],
    ["block comment", '{/* x */"a": /* y */ 1}', { a: 1 }],
    ["multi-line block comment", '{\n/* one\n two */\n"a": 1}', { a: 1 }],
    ["comment at end of file without newline", '{"a": 1}\n//', { a: 1 }],
    ["'//' inside a string", '{"url": "https://example.com//x"}', { url: "https://example.com//x" }],
    ["'/*' inside a string", '{"glob": "a/*.json", "b": "*/"}', { glob: "a/*.json", b: "*/" }],
    ["escaped quote before '//'", '{"q": "say \\"//hi\\" /* no */"}', { q: 'say "//hi" /* no */' }],
    ["escaped backslash ending a string", '{"p": "C:\\\\", "n": 1 // c\n}', { p: "C:\\", n: 1 }],
    ["trailing comma in object", '{"a": 1, "b": 2,}', { a: 1, b: 2 }],
    ["trailing comma in array", "[1, 2, ]", [1, 2]],
    ["trailing comma before a comment", '{"a": [1, /* c */], // c\n}', { a: [1] }],
    ["comma inside a string", '{"a": ",}", "b": ",]"}', { a: ",}", b: ",]" }],
    ["nested trailing commas", '{"a": {"b": [1,],},}', { a: { b: [1] } }],
    ["a byte-order mark", '\uFEFF{\n  // c\n  "a": [1, 2,],\n}', { a: [1, 2] }],
    [
      "every kind of value",
      '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n", {}]}',
      { a: [1, -2500, true, false, null, "é\n", {}] },
    ],
  ])("accepts %s", (_name, text, expected) => {
    expect(parseJsonc(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or the end of the object or list"],
    ['{\n  "a": x\n}', 2, 8, "expected a value"],
    ['{"a": tru}', 1, 7, "expected a value"],
    ["{\n  a: 1\n}", 2, 3, "expected a property name in double quotes"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name"],
    ["[1 2]", 1, 4, "expected ',' or the end of the object or list"],
    ['{"a": "abc', 1, 7, "unterminated string"],
    ['{"a": "x\ny"}', 1, 7, "unterminated string"],
    ['{"a": "x\\q"}', 1, 7, "invalid escape sequence in string"],
    ['{"a": 1}}', 1, 9, "unexpected content after the end of the document"],
    ['{"a": 01}', 1, 8, "expected ',' or the end of the object or list"],
    ['{\r\n"a": 1\r\n"b": 2}', 3, 1, "expected ',' or the end of the object or list"],
    ["", 1, 1, "unexpected end of file: expected a value"],
    ['{"a": [1, 2', 1, 12, "unexpected end of file: expected ']'"],
    ['{"a": 1} /* open', 1, 10, "unterminated block comment"],
    ['// only\n{"a": 1,, }', 2, 9, "expected a property name in double quotes"],
    ["[,]", 1, 2, "expected a value"],
    ["[1,,]", 1, 4, "expected a value"],
    ["{,}", 1, 2, "expected a value"],
  ])("locates the error in %j at %d:%d", (text, line, column, message) => {
    const result = parseJsonc(text);
    expect(result).toMatchObject({ ok: false, line, column });
    if (!result.ok) expect(result.message).toContain(message);
  });

  it("never quotes the text in its message", () => {
    const result = parseJsonc('{"secret": "hunter2-hunter2" x}');
    expect(result).toMatchObject({ ok: false, line: 1, column: 30 });
    if (!result.ok) expect(result.message).not.toContain("hunter2");
  });
});
