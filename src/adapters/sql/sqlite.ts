import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { type CompiledQuery, Kysely, type QueryResult, SqliteDialect } from "kysely";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";
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
}

/** Prepared statements are reused: preparing is a large share of a small query's cost. */
const STATEMENT_CACHE_SIZE = 256;

/** The embedded default on Node: better-sqlite3 under the shared Kysely store, migrated at start. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<KyselyStore> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new SqliteDatabase(options.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");

  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = (text: string): SqliteDatabase.Statement => {
    let statement = statements.get(text);
    if (!statement) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      statement = sqlite.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  // better-sqlite3 is synchronous: an atomic step runs in one turn of the event loop with no
  // awaits (and so no interleaving) between its statements.
  const runStep = sqlite.transaction((queries: readonly CompiledQuery[]) =>
    queries.map((q): QueryResult<unknown> => {
      const statement = prepare(q.sql);
      if (statement.reader) return { rows: statement.all(q.parameters) };
      return { rows: [], numAffectedRows: BigInt(statement.run(q.parameters).changes) };
    }),
  );
  // Group commit: the steps requested in one turn of the event loop share one IMMEDIATE
  // transaction (one commit, one fsync with `full`). Each step runs in its own savepoint (a
  // nested better-sqlite3 transaction), so one failing step fails alone; nobody is answered
  // before the shared commit.
  type Pending = {
    queries: readonly CompiledQuery[];
    done: (r: QueryResult<unknown>[]) => void;
    fail: (e: unknown) => void;
  };
  let pending: Pending[] = [];
  const runBatch = sqlite.transaction((batch: Pending[]) =>
    batch.map((step) => {
      try {
        return { ok: true as const, value: runStep(step.queries) };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );
  const flush = () => {
    const batch = pending;
    pending = [];
    let results: ReturnType<typeof runBatch>;
    try {
      results = runBatch.immediate(batch);
    } catch (error) {
      for (const step of batch) step.fail(error);
      return;
    }
    for (const [i, r] of results.entries()) {
      if (r.ok) batch[i]!.done(r.value);
      else batch[i]!.fail(r.error);
    }
  };
  const atomic = (queries: readonly CompiledQuery[]) =>
    new Promise<QueryResult<unknown>[]>((done, fail) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ queries, done, fail });
    });

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: { prepare, close: () => sqlite.close() } }),
  });
  await migrateToLatest(db);
  if (options.releaseLeasesAtStart) releaseLeases(sqlite);
  const store = new KyselyStore(db, { atomic: (_db, queries) => atomic(queries), skipLocked: false });
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

/** Busy or locked past busy_timeout, or an I/O error (a full or failing disk): try again later. */
export function isSqliteFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED|IOERR|FULL)/.test(code);
}
