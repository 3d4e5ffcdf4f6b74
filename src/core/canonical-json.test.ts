import { describe, expect, it } from "vitest";
import { canonicalJson, jsonByteLength, utf8Length } from "./canonical-json.js";

const encoder = new TextEncoder();

describe("canonicalJson", () => {
  it("sorts keys at every level, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  // Stored audit and body hashes depend on this exact text: an object built in sorted order
  // enumerates its array-index keys first, by value, and a rewrite must keep that.
  it("lists array-index keys first, by value, then the other keys sorted", () => {
    expect(canonicalJson({ b: 1, "10": 2, "9": 3, "09": 4, "4294967295": 5, "4294967294": 6, a: 7 })).toBe(
      '{"9":3,"10":2,"4294967294":6,"09":4,"4294967295":5,"a":7,"b":1}',
    );
  });
});

describe("utf8Length", () => {
  it.each([
    ["ascii", "plain text"],
    ["two bytes", "blåbær ø"],
    ["three bytes", "日本語"],
    ["a surrogate pair", "ok 🎉 done"],
    ["a lone high surrogate at the end", "x\ud83d"],
    ["a lone high surrogate before a letter", "\ud83dx"],
    ["a lone low surrogate", "a\ude00b"],
    ["two high surrogates then a low one", "\ud83d\ud83d\ude00"],
    ["empty", ""],
  ])("counts %s as TextEncoder encodes it", (_name, text) => {
    expect(utf8Length(text)).toBe(encoder.encode(text).byteLength);
  });

  it("agrees with TextEncoder on random UTF-16 (seeded)", () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    // Code units biased to the interesting ranges: ASCII, 2- and 3-byte, and both surrogate halves.
    const ranges = [0x7f, 0x7ff, 0xffff, 0xdbff, 0xdfff];
    for (let n = 0; n < 2_000; n++) {
      const units = Array.from({ length: next() % 12 }, () => {
        const top = ranges[next() % ranges.length]!;
        const bottom = top === 0xdbff ? 0xd800 : top === 0xdfff ? 0xdc00 : 0;
        return bottom + (next() % (top - bottom + 1));
      });
      const text = String.fromCharCode(...units);
      expect(utf8Length(text), JSON.stringify(units)).toBe(encoder.encode(text).byteLength);
    }
  });

  it.each([
    ["3-byte characters filling the reused buffer exactly", "日".repeat(16 * 1024)],
    ["a string past the reused buffer", `${"ø🎉x".repeat(6_000)}\ud800`],
  ])("counts %s as TextEncoder encodes it", (_name, text) => {
    expect(utf8Length(text)).toBe(encoder.encode(text).byteLength);
    expect(utf8Length("short after long")).toBe(16);
  });

  it("is what jsonByteLength counts of the serialised value", () => {
    const value = { note: "bær 🎉", list: [1, "日本"] };
    expect(jsonByteLength(value)).toBe(encoder.encode(JSON.stringify(value)).byteLength);
  });
});
