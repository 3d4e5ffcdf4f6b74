import type { CompiledQuery, Expression, Kysely, SqlBool } from "kysely";
import { sql } from "kysely";
import type { Database } from "./schema.js";

/**
 * `INSERT INTO table SELECT <row> WHERE <condition>`: an insert that happens only if an earlier
 * statement of the same atomic unit succeeded. This is how a store step stays atomic without an
 * interactive transaction (D1 batches cannot branch on a result).
 */
export function insertWhere<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  row: object,
  condition: Expression<SqlBool>,
): CompiledQuery {
  return db
    .insertInto(table)
    .columns(Object.keys(row) as never[])
    .expression(db.selectNoFrom(Object.entries(row).map(([k, v]) => sql`${v}`.as(k))).where(condition))
    .compile();
}

/**
 * Marks a conditional insert (`insertWhere`) whose condition holds exactly when statement `index`
 * of the same step changed a row, as when the condition looks for the fresh id that statement
 * wrote. A store that runs a step's statements one by one in its own transaction (SQLite) then
 * skips the check and reads the earlier statement's count; PostgreSQL and D1 run the condition.
 * The caller vouches for the equivalence; the store contract tests hold both ways to one outcome.
 */
export const HOLDS_IF_CHANGED = Symbol("holds if an earlier statement of the step changed a row");

export type MarkedInsert = CompiledQuery & { readonly [HOLDS_IF_CHANGED]?: number };

export function holdsIfChanged(query: CompiledQuery, index: number): MarkedInsert {
  return { ...query, [HOLDS_IF_CHANGED]: index };
}
