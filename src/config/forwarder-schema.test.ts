import { describe, expect, it } from "vitest";
import { type Doc, minimal, problemsOf } from "../../test/support/config-documents.js";
import type { ConfigProblem } from "./parse.js";

describe("config: forwarder", () => {
  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "concurrency and retries out of range",
      { ...minimal(), forwarder: { concurrency: 257, callRetries: -1 } },
      [
        {
          path: "forwarder.concurrency",
          message: "too large (257, must be at most 256)",
          fix: "use a whole number from 1 to 256",
        },
        {
          path: "forwarder.callRetries",
          message: "too small (-1, must be at least 0)",
          fix: "use a whole number from 0 to 10",
        },
      ],
    ],
    [
      "a lease that is not a duration",
      { ...minimal(), forwarder: { lease: "soon" } },
      [
        {
          path: "forwarder.lease",
          message:
            'not a duration: expected a whole number of milliseconds or a whole number with a unit (ms, s, m, h, d), e.g. "30s", "15m", "24h" or "7d"',
          fix: 'write the delivery lease as a duration such as "60s"',
        },
      ],
    ],
    [
      "a zero poll interval",
      { ...minimal(), forwarder: { pollInterval: "0s" } },
      [
        {
          path: "forwarder.pollInterval",
          message: "must be longer than 0",
          fix: 'use a positive duration, e.g. "1s"',
        },
      ],
    ],
    [
      "a takeover quicker than three heartbeats",
      { ...minimal(), forwarder: { heartbeat: "2s", takeoverAfter: "5s" } },
      [
        {
          path: "forwarder.takeoverAfter",
          message: "must be at least three heartbeat intervals, or a live replica could be taken for dead",
          fix: "make it at least three times forwarder.heartbeat (defaults: 1s and 5s)",
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
