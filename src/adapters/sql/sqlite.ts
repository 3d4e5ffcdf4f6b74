import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { atomicByTransaction, KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a throw-away store. */
  path: string;
  /**
   * WAL with `normal` survives a killed process (the commit is in the WAL before the 2xx);
   * `full` also survives an OS crash or power loss, at one fsync per commit.
   */
  synchronous?: "normal" | "full";
}

/** The embedded default on Node: better-sqlite3 under the shared Kysely store, migrated at start. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<KyselyStore> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new SqliteDatabase(options.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db);
  return new KyselyStore(db, { atomic: atomicByTransaction, skipLocked: false });
}
