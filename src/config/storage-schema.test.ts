import { describe, expect, it } from "vitest";
import { configOf, type Doc, minimal, problemsOf } from "../../test/support/config-documents.js";
import { envRef as ref } from "./interpolate.js";
import type { ConfigProblem } from "./parse.js";

describe("config: storage", () => {
  it.each([
    [
      { kind: "sqlite", path: "/var/lib/taskgate.db" },
      { kind: "sqlite", path: "/var/lib/taskgate.db", synchronous: "normal", cacheMb: 4 },
    ],
    [
      { kind: "sqlite", path: "x.db", synchronous: "normal", cacheMb: 64 },
      { kind: "sqlite", path: "x.db", synchronous: "normal", cacheMb: 64 },
    ],
    [
      { kind: "postgres", url: "postgres://u:p@db/t" },
      { kind: "postgres", url: "postgres://u:p@db/t", poolSize: 10 },
    ],
    [
      { kind: "postgres", url: "postgresql://db/t", poolSize: 3 },
      { kind: "postgres", url: "postgresql://db/t", poolSize: 3 },
    ],
    [{ kind: "memory" }, { kind: "memory" }],
    [{ kind: "d1" }, { kind: "d1", binding: "DB" }],
    [
      { kind: "d1", binding: "TASKGATE_DB" },
      { kind: "d1", binding: "TASKGATE_DB" },
    ],
  ])("accepts storage %j", (storage, expected) => {
    expect(configOf({ ...minimal(), storage }).storage).toEqual(expected);
  });

  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "missing postgres url",
      { ...minimal(), storage: { kind: "postgres" } },
      [{ path: "storage.url", message: "missing", fix: `add "url": "${ref("DATABASE_URL")}"` }],
    ],
    [
      "a fractional pool size",
      { ...minimal(), storage: { kind: "postgres", url: "postgres://db", poolSize: 1.5 } },
      [
        {
          path: "storage.poolSize",
          message: "expected a whole number, got a fractional number",
          fix: 'write it like "poolSize": 10',
        },
      ],
    ],
    [
      "an unknown sqlite synchronous mode",
      { ...minimal(), storage: { kind: "sqlite", path: "x", synchronous: "off" } },
      [
        {
          path: "storage.synchronous",
          message: 'not one of the allowed values ("normal", "full")',
          fix: 'use one of "normal", "full"',
        },
      ],
    ],
    [
      "a sqlite cache of 0 MiB",
      { ...minimal(), storage: { kind: "sqlite", path: "x", cacheMb: 0 } },
      [
        {
          path: "storage.cacheMb",
          message: "too small (0, must be at least 1)",
          fix: "use a whole number from 1 to 1024",
        },
      ],
    ],
    [
      "an unknown storage kind",
      { ...minimal(), storage: { kind: "mysql" } },
      [
        {
          path: "storage.kind",
          message: 'not one of the allowed values ("sqlite", "postgres", "memory", "d1")',
          fix: 'use one of "sqlite", "postgres", "memory", "d1"',
        },
      ],
    ],
    [
      "a D1 binding that is not a binding name",
      { ...minimal(), storage: { kind: "d1", binding: "my-db" } },
      [
        {
          path: "storage.binding",
          message: "must be a binding name (letters, digits, underscores)",
          fix: 'use the binding name of the [[d1_databases]] entry in wrangler.toml, e.g. "DB"',
        },
      ],
    ],
    [
      "a D1 store with a path",
      { ...minimal(), storage: { kind: "d1", path: "x.db" } },
      [{ path: "storage.path", message: "unknown key", fix: "remove it (known keys here: kind, binding)" }],
    ],
    [
      "a MySQL URL for postgres",
      { ...minimal(), storage: { kind: "postgres", url: "mysql://db/t" } },
      [
        {
          path: "storage.url",
          message: "must be a postgres:// or postgresql:// connection URL",
          fix: `use a URL like postgresql://user:password@host:5432/taskgate, ideally from ${ref("DATABASE_URL")}`,
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
