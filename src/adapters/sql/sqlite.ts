import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";
import {
  INLINE_AUTOCHECKPOINT_FRAMES,
  type SqliteCheckpointer,
  startSqliteCheckpointer,
} from "./sqlite-checkpointer.js";
import { isSqliteFault } from "./sqlite-faults.js";
import { sqliteSteps } from "./sqlite-steps.js";
import { withStoreFaults } from "./store-faults.js";

const DEFAULT_CACHE_MB = 4;

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a throw-away store. */
  path: string;
  /**
   * WAL with `normal` survives a killed process (the commit is in the WAL before the 2xx);
   * `full` also survives an OS crash or power loss, at one fsync per commit.
   */
  synchronous?: "normal" | "full";
  /**
   * SQLite's page cache in MiB (default 4). better-sqlite3 builds SQLite with a 16 MiB cache,
   * which a busy gateway fills and keeps resident; the file's pages stay in the OS cache either
   * way, so a miss costs a read from memory, not from disk.
   */
  cacheMb?: number;
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
  /**
   * WAL checkpoints on a thread of their own (sqlite-checkpointer.ts) instead of inside the commit
   * that fills the WAL: the gateway's, whose commits answer requests. Tools leave it off.
   */
  backgroundCheckpoints?: {
    /** The thread stopped; the connection checkpoints inline again. */
    onFailure: (error: Error) => void;
    intervalMs?: number;
    restartFrames?: number;
    sqliteModule?: string;
  };
}

/** The embedded default on Node: better-sqlite3 under the shared Kysely store, migrated at start. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<KyselyStore> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new SqliteDatabase(options.path);
  configureConnection(sqlite, options);

  const steps = sqliteSteps(sqlite, { linkAudit: options.linkAuditOnWrite !== false });
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: { prepare: steps.prepare, close: () => sqlite.close() } }),
  });
  await migrateToLatest(db);
  if (options.releaseLeasesAtStart) releaseLeases(sqlite);
  const checkpointer =
    options.backgroundCheckpoints && options.path !== ":memory:"
      ? checkpointInBackground(sqlite, options.path, options.backgroundCheckpoints)
      : undefined;
  await checkpointer?.started;
  const store = new KyselyStore(db, {
    atomic: (_db, queries) => steps.atomic(queries),
    read: (q) => steps.read(q),
    skipLocked: false,
    linksAuditOnWrite: options.linkAuditOnWrite !== false,
    close: async () => checkpointer?.stop(),
  });
  return withStoreFaults(store, isSqliteFault);
}

/** The connection's settings: WAL, the durability asked for, a busy timeout, the page cache. */
export function configureConnection(
  sqlite: SqliteDatabase.Database,
  options: Pick<SqliteStoreOptions, "synchronous" | "cacheMb">,
): void {
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");
  // Negative: KiB rather than pages.
  sqlite.pragma(`cache_size = ${-Math.round((options.cacheMb ?? DEFAULT_CACHE_MB) * 1024)}`);
}

/** See `backgroundCheckpoints`: the connection stops checkpointing once the thread runs. */
function checkpointInBackground(
  sqlite: SqliteDatabase.Database,
  path: string,
  options: NonNullable<SqliteStoreOptions["backgroundCheckpoints"]>,
): SqliteCheckpointer {
  const inline = (frames: number) => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${frames}`);
  };
  return startSqliteCheckpointer({
    path,
    intervalMs: options.intervalMs,
    restartFrames: options.restartFrames,
    sqliteModule: options.sqliteModule,
    onReady: () => inline(0),
    onFailure: (error) => {
      inline(INLINE_AUTOCHECKPOINT_FRAMES);
      options.onFailure(error);
    },
  });
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
