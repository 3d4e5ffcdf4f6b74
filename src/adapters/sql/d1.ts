import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import { KyselyStore } from "./kysely-store.js";
import type { Database } from "./schema.js";

/** The slice of Cloudflare's D1 binding taskgate uses (structural, so no Workers types needed here). */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<D1ResultLike[]>;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<D1ResultLike>;
}
export interface D1ResultLike {
  results?: unknown[];
  meta: { changes?: number; last_row_id?: number };
}

/**
 * D1 reports affected rows as `meta.changes` (Kysely reads `numAffectedRows`: every conditional
 * write in the store is decided by it) and the rowid as `meta.last_row_id`.
 */
export const toResult = (r: D1ResultLike): QueryResult<never> => {
  const changes = r.meta.changes ?? 0;
  return {
    rows: (r.results ?? []) as never[],
    numAffectedRows: BigInt(changes),
    ...(changes > 0 && typeof r.meta.last_row_id === "number"
      ? { insertId: BigInt(r.meta.last_row_id) }
      : {}),
  };
};

/**
 * What D1 can bind: it refuses `undefined` and BigInt (D1_TYPE_ERROR), which better-sqlite3
 * accepts; booleans it stores as 1/0 itself. A BigInt beyond 2^53 would lose digits, so it fails.
 */
export function toD1Value(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError("a BigInt parameter outside the safe integer range cannot be bound on D1");
    }
    return Number(value);
  }
  return value;
}

const bound = (d1: D1Like, q: CompiledQuery) => d1.prepare(q.sql).bind(...q.parameters.map(toD1Value));

class D1Connection implements DatabaseConnection {
  constructor(private readonly d1: D1Like) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return toResult(await bound(this.d1, q).all()) as QueryResult<R>;
  }
  // biome-ignore lint/correctness/useYield: D1 cannot stream; the method must exist for the interface
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("D1 does not stream query results");
  }
}

class D1Driver implements Driver {
  constructor(private readonly d1: D1Like) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new D1Connection(this.d1);
  }
  async beginTransaction(): Promise<void> {
    throw new Error("D1 has no interactive transactions; the store uses batches");
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** A small Kysely dialect for D1: SQLite SQL, statements run through the binding. */
export class D1Dialect implements Dialect {
  constructor(private readonly d1: D1Like) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver() {
    return new D1Driver(this.d1);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/**
 * The shared store on D1. Atomic steps run as one D1 batch: its statements run in order as one
 * transaction on D1's side, so a batch either applies whole or not at all, and the store never
 * reads between its writes (every condition is in SQL). Claims are one `update ... returning`
 * statement, which D1 runs serialized against other writers, so concurrent claimers (isolates)
 * cannot take the same delivery. The schema comes from the wrangler migrations generated from
 * the same Kysely migrations. Largest statement: about 25 bound parameters (D1 allows 100).
 */
export function openD1Store(d1: D1Like): KyselyStore {
  const db = new Kysely<Database>({ dialect: new D1Dialect(d1) });
  return new KyselyStore(db, {
    atomic: async (_db, queries) => (await d1.batch(queries.map((q) => bound(d1, q)))).map(toResult),
    skipLocked: false,
    maxIdsPerStatement: 90,
  });
}
