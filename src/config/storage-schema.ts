import * as z from "zod";
import { int, nonEmpty } from "./field-schemas.js";
import { hint } from "./hints.js";
import { envRef } from "./interpolate.js";

/** Where taskgate keeps its state: SQLite (the default), PostgreSQL, memory, or D1 on Workers. */
export const StorageSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("sqlite"),
    path: nonEmpty('"./data/taskgate.db"'),
    synchronous: z.enum(["normal", "full"]).default("normal"),
    /** SQLite's page cache in MiB (the OS caches the file as well); better-sqlite3's own default is 16. */
    cacheMb: int(1, 1024, 4),
  }),
  z.strictObject({
    kind: z.literal("postgres"),
    url: hint(
      z
        .string()
        .min(1)
        .refine((value) => /^postgres(ql)?:\/\//.test(value), {
          message: "must be a postgres:// or postgresql:// connection URL",
        }),
      {
        example: `"${envRef("DATABASE_URL")}"`,
        fix: `use a URL like postgresql://user:password@host:5432/taskgate, ideally from ${envRef("DATABASE_URL")}`,
      },
    ),
    poolSize: int(1, 1000, 10),
  }),
  z.strictObject({ kind: z.literal("memory") }),
  /** Cloudflare Workers only: the D1 database bound to the worker under `binding`. */
  z.strictObject({
    kind: z.literal("d1"),
    binding: hint(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a binding name (letters, digits, underscores)")
        .default("DB"),
      {
        example: '"DB"',
        fix: 'use the binding name of the [[d1_databases]] entry in wrangler.toml, e.g. "DB"',
      },
    ),
  }),
]);
