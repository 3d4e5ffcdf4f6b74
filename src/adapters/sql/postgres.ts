import { type CompiledQuery, Kysely, PostgresDialect, type QueryResult, sql } from "kysely";
import pg from "pg";
import type { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import { faultTolerantPool, isPostgresFault } from "./postgres-faults.js";
import { NamedStatements } from "./postgres-named.js";
import { PostgresStore } from "./postgres-store.js";
import type { Database } from "./schema.js";
import { withStoreFaults } from "./store-faults.js";

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  /** A schema to create and use (tests isolate themselves this way). */
  schema?: string;
  /**
   * Told about errors on idle connections (the server restarted, an operator terminated them).
   * pg emits these on the pool; without a listener Node would crash the process.
   */
  onConnectionError?: (err: Error) => void;
}

/** No transaction of ours waits between statements; one idle this long belongs to a paused process. */
const IDLE_IN_TRANSACTION_MS = 5_000;

// BIGINT (int8) arrives as a string by default; epoch milliseconds fit a double exactly.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * PostgreSQL for several replicas: the shared Kysely store, claims with SKIP LOCKED. A lost
 * connection never crashes the process: reads and uncommitted transactions are retried once on
 * a fresh connection, anything else fails with `store_unavailable` (503, Retry-After).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<KyselyStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new Error("schema must be a lower-case SQL identifier");
  }
  if (options.schema) {
    const admin = new pg.Client({ connectionString: options.url });
    admin.on("error", () => {});
    try {
      await admin.connect();
      await admin.query(`create schema if not exists ${options.schema}`);
    } finally {
      await admin.end().catch(() => {});
    }
  }
  // A replica paused (SIGSTOP, a frozen VM) inside a transaction would hold its row locks for as
  // long as it sleeps, and the others' takeover would wait on them: the server ends such a session.
  const settings = [`-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`];
  if (options.schema) settings.push(`-c search_path=${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: settings.join(" "),
  });
  pool.on("error", (err) => options.onConnectionError?.(err));
  const named = new NamedStatements();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: faultTolerantPool(pool, named) }) });
  try {
    await migrateToLatest(db, options.schema ?? (await currentSchema(db)));
  } catch (err) {
    await db.destroy().catch(() => {});
    throw err;
  }
  const store = new PostgresStore({ db, ops: { atomic, skipLocked: true } }, named);
  return withStoreFaults(store, isPostgresFault);
}

/**
 * A single statement runs on its own, without BEGIN and COMMIT around it (two round trips fewer):
 * PostgreSQL makes one statement atomic by itself. Its outcome is unknown when the connection is
 * lost while it runs, so it is not repeated (the caller answers 503 and is asked again).
 */
function atomic(db: Kysely<Database>, queries: CompiledQuery[]): Promise<QueryResult<unknown>[]> {
  if (queries.length === 1) return db.executeQuery(queries[0]!).then((r) => [r]);
  return atomicRetryingBeforeCommit(db, queries);
}

/**
 * Several statements: one transaction; when the connection is lost before COMMIT was sent, nothing was committed
 * (the server rolls an orphaned transaction back), so the same statements run once more on a
 * fresh connection. A loss during COMMIT leaves the outcome unknown: that one is not repeated.
 */
async function atomicRetryingBeforeCommit(
  db: Kysely<Database>,
  queries: CompiledQuery[],
): Promise<QueryResult<unknown>[]> {
  for (let attempt = 0; ; attempt++) {
    let commitSent = false;
    try {
      return await db.transaction().execute(async (trx) => {
        const results: QueryResult<unknown>[] = [];
        for (const q of queries) results.push(await trx.executeQuery(q));
        commitSent = true;
        return results;
      });
    } catch (err) {
      if (attempt > 0 || commitSent || !isPostgresFault(err)) throw err;
    }
  }
}

/** The schema unqualified tables land in (the URL's search_path, else `public`). */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? "public";
}
