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
