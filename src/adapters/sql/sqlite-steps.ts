import type SqliteDatabase from "better-sqlite3";
import type { CompiledQuery, QueryResult } from "kysely";
import { HOLDS_IF_CHANGED, type MarkedInsert } from "./insert-where.js";
import { CHAIN_HEAD_SQL, SqliteAuditLinker } from "./sqlite-audit-link.js";
import { type SplitInsert, splitConditionalInsert } from "./sqlite-conditional-insert.js";
import { isSqliteFault } from "./sqlite-faults.js";

/** Prepared statements are reused: preparing is a large share of a small query's cost. */
const STATEMENT_CACHE_SIZE = 256;

/** How the SQLite store runs statements: Kysely's queries, and the atomic steps with group commit. */
export interface SqliteSteps {
  /** A cached prepared statement (Kysely's driver prepares through it too). */
  prepare(text: string): SqliteDatabase.Statement;
  /** Runs a step's statements atomically, sharing a commit with the steps of the same turn. */
  atomic(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]>;
  /** Runs one read in the same turn's batch (a read transaction when the batch only reads). */
  read<R>(query: CompiledQuery): Promise<R[]>;
}

export function sqliteSteps(sqlite: SqliteDatabase.Database, options: { linkAudit: boolean }): SqliteSteps {
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
  const linker = !options.linkAudit
    ? undefined
    : new SqliteAuditLinker(() => {
        const row = prepare(CHAIN_HEAD_SQL).get() as { seq: number; hash: string } | undefined;
        return row ? { seq: Number(row.seq), hash: row.hash } : null;
      });
  const splits = new Map<string, SplitInsert | null>();
  const splitOf = (text: string): SplitInsert | null => {
    let split = splits.get(text);
    if (split === undefined) {
      if (splits.size >= STATEMENT_CACHE_SIZE) splits.clear();
      split = splitConditionalInsert(text);
      splits.set(text, split);
    }
    return split;
  };
  // A conditional insert runs as its check and then a plain insert (sqlite-conditional-insert.ts).
  const writeSplit = (split: SplitInsert, parameters: readonly unknown[]): number => {
    const check = prepare(split.check).get(parameters.slice(split.valueCount)) as { ok: unknown } | undefined;
    if (!check?.ok) return 0;
    return prepare(split.insert).run(parameters.slice(0, split.valueCount)).changes;
  };
  // A marked conditional insert (insert-where.ts) holds when the statement it names changed a row:
  // no check statement.
  const insertIf = (split: SplitInsert, holds: boolean, parameters: readonly unknown[]): number =>
    holds ? prepare(split.insert).run(parameters.slice(0, split.valueCount)).changes : 0;
  // better-sqlite3 is synchronous: an atomic step runs in one turn of the event loop with no
  // awaits (and so no interleaving) between its statements.
  const runStep = (queries: readonly CompiledQuery[]) => {
    const results: QueryResult<unknown>[] = [];
    for (const q of queries) {
      const split = splitOf(q.sql);
      const statement = split ? undefined : prepare(q.sql);
      if (statement?.reader) {
        results.push({ rows: statement.all(q.parameters) });
        continue;
      }
      const after = (q as MarkedInsert)[HOLDS_IF_CHANGED];
      const holds = after === undefined ? undefined : (results[after]?.numAffectedRows ?? 0n) > 0n;
      const write = (parameters: readonly unknown[]) =>
        statement
          ? statement.run(parameters).changes
          : holds === undefined
            ? writeSplit(split!, parameters)
            : insertIf(split!, holds, parameters);
      const changes = linker ? linker.run(q, write) : write(q.parameters);
      results.push({ rows: [], numAffectedRows: BigInt(changes) });
    }
    return results;
  };
  // Group commit: the steps requested in one turn of the event loop share one IMMEDIATE
  // transaction (one commit, one fsync with `full`), and nobody is answered before it commits.
  // No savepoint per step: SQLite copies every page a savepoint first touches into a journal
  // (a temp file past 64 KiB), which cost more than the statements themselves. If a step fails,
  // the whole transaction rolls back and each step runs again in a transaction of its own, so one
  // failing step fails alone; a store fault (busy, I/O) fails them all at once instead.
  type Pending = {
    queries: readonly CompiledQuery[];
    /** A lone read (`read`): a batch of only these runs in a read transaction, taking no lock. */
    readOnly?: boolean;
    done: (r: QueryResult<unknown>[]) => void;
    fail: (e: unknown) => void;
  };
  let pending: Pending[] = [];
  const runBatch = sqlite.transaction((batch: Pending[]) => {
    linker?.begin();
    return batch.map((step) => runStep(step.queries));
  });
  const runAlone = sqlite.transaction((queries: readonly CompiledQuery[]) => {
    linker?.begin();
    return runStep(queries);
  });
  const flush = () => {
    const batch = pending;
    pending = [];
    let results: QueryResult<unknown>[][];
    const mode = batch.every((step) => step.readOnly) ? runBatch.deferred : runBatch.immediate;
    try {
      results = mode(batch);
    } catch (error) {
      if (batch.length === 1 || isSqliteFault(error)) {
        for (const step of batch) step.fail(error);
        return;
      }
      for (const step of batch) {
        try {
          step.done((step.readOnly ? runAlone.deferred : runAlone.immediate)(step.queries));
        } catch (stepError) {
          step.fail(stepError);
        }
      }
      return;
    }
    for (const [i, r] of results.entries()) batch[i]!.done(r);
  };
  const enqueue = (queries: readonly CompiledQuery[], readOnly: boolean) =>
    new Promise<QueryResult<unknown>[]>((done, fail) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ queries, readOnly, done, fail });
    });
  return {
    prepare,
    atomic: (queries) => enqueue(queries, false),
    // Hot reads join the same batch: outside a transaction each statement opens and closes its
    // own read transaction (file and shared-memory locks), ~7 of the ~10 µs a primary-key
    // lookup took; in a batch they share one.
    read: async <R>(query: CompiledQuery) => (await enqueue([query], true))[0]!.rows as R[],
  };
}
