import { describe, expect, it } from "vitest";
import { closestMatch, editDistance } from "./suggest.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["pubicUrl", "publicUrl", 1],
    ["publicURL", "publicUrl", 0],
    ["timout", "timeout", 1],
  ])("%j → %j is %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closestMatch", () => {
  const keys = ["server", "publicUrl", "cdf", "storage", "signingKeys", "api"];
  it.each([
    ["publicurl", "publicUrl"],
    ["sever", "server"],
    ["signingkey", "signingKeys"],
    ["storag", "storage"],
    ["xyzzy", undefined],
    ["signing", undefined],
  ])("%j suggests %j", (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });
});
