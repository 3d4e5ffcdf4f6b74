import { describe, expect, it } from "vitest";
import { configOf, type Doc, edit, minimal, problemsOf } from "../../test/support/config-documents.js";
import type { ConfigProblem } from "./parse.js";

describe("config: server and log", () => {
  it.each(["debug", "info", "warn", "error"])("accepts log level %s", (level) => {
    expect(configOf({ ...minimal(), log: { level } }).log.level).toBe(level);
  });

  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "port 0",
      edit(minimal(), ["server", "port"], 0),
      [
        {
          path: "server.port",
          message: "too small (0, must be at least 1)",
          fix: "use a whole number from 1 to 65535",
        },
      ],
    ],
    [
      "port 70000",
      edit(minimal(), ["server", "port"], 70_000),
      [
        {
          path: "server.port",
          message: "too large (70000, must be at most 65535)",
          fix: "use a whole number from 1 to 65535",
        },
      ],
    ],
    [
      "body limit above 10 MiB",
      edit(minimal(), ["server", "bodyLimitBytes"], 11 * 1024 * 1024),
      [
        {
          path: "server.bodyLimitBytes",
          message: "too large (11534336, must be at most 10485760)",
          fix: "use a whole number from 1 to 10485760",
        },
      ],
    ],
    [
      "a port in quotes",
      edit(minimal(), ["server", "port"], "8080"),
      [
        {
          path: "server.port",
          message: "expected a number, got a string",
          fix: 'write it like "port": 8080',
        },
      ],
    ],
    [
      "an unknown log level",
      { ...minimal(), log: { level: "trace" } },
      [
        {
          path: "log.level",
          message: 'not one of the allowed values ("debug", "info", "warn", "error")',
          fix: 'use one of "debug", "info", "warn", "error"',
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
