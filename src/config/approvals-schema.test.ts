import { describe, expect, it } from "vitest";
import { type Doc, minimal, problemsOf } from "../../test/support/config-documents.js";
import type { ConfigProblem } from "./parse.js";

describe("config: approvals", () => {
  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "an approval default lifetime longer than the maximum",
      { ...minimal(), approvals: { defaultTtl: "40d" } },
      [
        {
          path: "approvals.defaultTtl",
          message: "longer than approvals.maxTtl",
          fix: "shorten approvals.defaultTtl or lengthen approvals.maxTtl",
        },
      ],
    ],
    [
      "SMTP mail without a sender",
      { ...minimal(), approvals: { mail: { kind: "smtp", host: "smtp.example.com" } } },
      [
        {
          path: "approvals.mail.from",
          message: "missing",
          fix: 'add "from": "Taskgate <taskgate@example.com>"',
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
