import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";
import type { NamedStatements } from "./postgres-named.js";

/**
 * SQLSTATE classes and codes that mean "the connection or the server went away", not "the
 * statement was wrong": connection exceptions (08…), operator intervention (57P01 admin shutdown
 * after pg_terminate_backend, 57P02 crash shutdown, 57P03 cannot connect now, e.g. while the
 * server starts), and too many connections (53300).
 */
const LOST_CODES = new Set(["57P01", "57P02", "57P03", "53300"]);
const NODE_NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const LOST_MESSAGES =
  /Connection terminated|connection error|Client was closed|not queryable|timeout exceeded when trying to connect/i;

/** Whether a pg error means the connection was lost or could not be made. */
export function isPostgresFault(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === "string" &&
    (code.startsWith("08") || LOST_CODES.has(code) || NODE_NET_CODES.has(code))
  ) {
    return true;
  }
  return LOST_MESSAGES.test(err.message);
}

/**
 * The pool Kysely uses, over pg's: a client whose connection broke is destroyed rather than put
 * back, and a read outside a transaction that failed for a lost connection runs once more on a
 * fresh connection (reads are idempotent; a write's fate is unknown, so it is never repeated
 * here). Transactions are retried a level up, where it is known whether COMMIT was sent.
 */
export function faultTolerantPool(pool: pg.Pool, named?: NamedStatements): PostgresPool {
  // pg listens on idle clients only; a checked-out client whose connection drops between two
  // queries (inside a transaction, say) emits "error" with nobody listening: a process crash.
  // The next query on it fails instead, and that failure is handled below.
  pool.on("connect", (client) => client.on("error", () => {}));
  return {
    connect: async () => wrapClient(pool, await pool.connect(), named),
    end: () => pool.end(),
  };
}

function wrapClient(pool: pg.Pool, client: pg.PoolClient, named?: NamedStatements): PostgresPoolClient {
  let broken = false;
  let inTransaction = false;
  const query = async (text: string, params: readonly unknown[]) => {
    const head = text.trimStart().slice(0, 8).toLowerCase();
    if (head.startsWith("begin") || head.startsWith("start")) inTransaction = true;
    try {
      const name = named?.nameOf(text);
      const values = params as unknown[];
      const result = await (name ? client.query({ name, text, values }) : client.query(text, values));
      if (head.startsWith("commit") || head.startsWith("rollback")) inTransaction = false;
      return result;
    } catch (err) {
      if (!isPostgresFault(err)) throw err;
      broken = true;
      if (inTransaction || !head.startsWith("select")) throw err;
      const fresh = await pool.connect();
      let freshBroken = false;
      try {
        return await fresh.query(text, params as unknown[]);
      } catch (again) {
        freshBroken = isPostgresFault(again);
        throw again;
      } finally {
        fresh.release(freshBroken);
      }
    }
  };
  return {
    // Kysely streams through a cursor only for `.stream()`, which the store never uses.
    query: query as unknown as PostgresPoolClient["query"],
    release: (destroy?: boolean) => client.release(destroy || broken),
  };
}
