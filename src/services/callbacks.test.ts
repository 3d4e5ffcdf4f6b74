import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.js";
import { callbackBodyJson } from "./callbacks.js";

describe("callbackBodyJson", () => {
  // A retried callback is recognised by this hash, and deliveries stored before it was built
  // from the output's JSON carry the old one: the two must never differ.
  const outputs: (Record<string, unknown> | undefined)[] = [
    undefined,
    {},
    { b: 1, a: { d: [3, { z: "é", y: "😀" }], c: 'x\u0000"\\' } },
    { "10": "ten", "9": "nine", b: true, a: false, "": 0.5 },
    { nested: { deeper: { deepest: [[], {}, [1e21, -0, 1.5e-7]] } } },
    { tab: "\t", line: "\u2028", lone: "\ud800" },
  ];
  for (const output of outputs) {
    for (const status of ["COMPLETED", "FAILED", "FAILED_WITH_TERMINAL_ERROR"] as const) {
      it(`is canonicalJson({ status, output }) for ${JSON.stringify(output)} (${status})`, () => {
        const outputJson = output ? canonicalJson(output) : "null";
        expect(callbackBodyJson(status, outputJson)).toBe(canonicalJson({ status, output: output ?? null }));
      });
    }
  }
});
