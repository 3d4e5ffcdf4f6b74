import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";
import { isSqliteFault } from "./sqlite-faults.js";
import { sqliteSteps } from "./sqlite-steps.js";
import { withStoreFaults } from "./store-faults.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a throw-away store. */
  path: string;
  /**
   * WAL with `normal` survives a killed process (the commit is in the WAL before the 2xx);
   * `full` also survives an OS crash or power loss, at one fsync per commit.
   */
  synchronous?: "normal" | "full";
  /**
   * The gateway opening its database: it is the only writer, so the leases still held were held
   * by a process that is gone (killed, crashed). They are released at once, so its deliveries
   * and mails resume now instead of after the lease. The next claims take new owner ids, and a
   * release clears the old owner, so nothing of the old process could complete them (fencing).
   * Tools that open the file beside a running gateway (the CLI) leave this off.
   */
  releaseLeasesAtStart?: boolean;
  /**
   * Link each audit entry into the chain in the transaction that writes it (default). Off, entries
   * are written unsealed for the sealer, as on PostgreSQL and D1 (the contract tests run both).
   */
  linkAuditOnWrite?: boolean;
}

/** The embedded default on Node: better-sqlite3 under the shared Kysely store, migrated at start. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<KyselyStore> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new SqliteDatabase(options.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");

  const steps = sqliteSteps(sqlite, { linkAudit: options.linkAuditOnWrite !== false });
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: { prepare: steps.prepare, close: () => sqlite.close() } }),
  });
  await migrateToLatest(db);
  if (options.releaseLeasesAtStart) releaseLeases(sqlite);
  const store = new KyselyStore(db, {
    atomic: (_db, queries) => steps.atomic(queries),
    read: (q) => steps.read(q),
    skipLocked: false,
    linksAuditOnWrite: options.linkAuditOnWrite !== false,
  });
  return withStoreFaults(store, isSqliteFault);
}

/** See `releaseLeasesAtStart`. */
function releaseLeases(sqlite: SqliteDatabase.Database): void {
  for (const table of ["deliveries", "mails"]) {
    sqlite
      .prepare(
        `update ${table} set lease_owner = null, lease_until = null, due_at = next_attempt_at
          where status = 'pending' and lease_owner is not null`,
      )
      .run();
  }
}
