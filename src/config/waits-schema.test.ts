import { describe, expect, it } from "vitest";
import { type Doc, minimal, problemsOf } from "../../test/support/config-documents.js";
import type { ConfigProblem } from "./parse.js";

describe("config: waits", () => {
  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "a default TTL above the maximum",
      { ...minimal(), waits: { defaultTtl: "8d" } },
      [
        {
          path: "waits.defaultTtl",
          message: "longer than waits.maxTtl",
          fix: "shorten waits.defaultTtl or lengthen waits.maxTtl",
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
