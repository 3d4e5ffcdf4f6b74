import type { CompiledQuery, Kysely, QueryResult } from "kysely";
import type { Database } from "./schema.js";

/**
 * The dialect quirks, in one named place. `atomic` runs a fixed list of statements as one unit:
 * a transaction on SQLite and PostgreSQL, a batch on D1 (which has no interactive transactions).
 * Store methods therefore never read in the middle of a write: every condition lives in SQL.
 */
export interface SqlDialectOps {
  atomic(db: Kysely<Database>, queries: CompiledQuery[]): Promise<QueryResult<unknown>[]>;
  /** PostgreSQL: claim with FOR UPDATE SKIP LOCKED so replicas do not queue on each other's rows. */
  skipLocked: boolean;
  /**
   * SQLite: one writer at a time, so every audit entry is linked into the chain (position and
   * hashes) by the statement that writes it, from the head as it runs (audit-link.ts); the
   * other stores insert entries unsealed for the sealer.
   */
  linksAuditOnWrite?: boolean;
  /**
   * Runs one read outside any step, past the query builder's executor (its connection lock and
   * result plumbing): SQLite runs it in the same turn's batch of steps, so reads share one read
   * transaction. Hot reads (a callback's wait, a webhook's open wait) use it when present.
   */
  read?<R>(query: CompiledQuery): Promise<R[]>;
  /** Most ids one statement may bind (D1 allows 100 parameters); batches stay below it. */
  maxIdsPerStatement?: number;
  close?(): Promise<void>;
}

/** Runs the statements in one Kysely transaction (SQLite, PostgreSQL). */
export async function atomicByTransaction(
  db: Kysely<Database>,
  queries: CompiledQuery[],
): Promise<QueryResult<unknown>[]> {
  return db.transaction().execute(async (trx) => {
    const results: QueryResult<unknown>[] = [];
    for (const q of queries) results.push(await trx.executeQuery(q));
    return results;
  });
}

/** One read through the dialect's fast path, or Kysely's executor where it has none. */
export async function readRows<R>({ db, ops }: SqlContext, query: CompiledQuery): Promise<R[]> {
  if (ops.read) return ops.read<R>(query);
  return (await db.executeQuery<R>(query as CompiledQuery<R>)).rows;
}

/** What every store query needs: the database and its dialect's quirks. */
export interface SqlContext {
  db: Kysely<Database>;
  ops: SqlDialectOps;
}
