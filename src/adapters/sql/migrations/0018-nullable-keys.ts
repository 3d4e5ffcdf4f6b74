import { type Kysely, type Migration, sql } from "kysely";

/**
 * Indexes on a column most rows leave NULL hold only the rows that have it. Every lookup through
 * them names a value (`=` or `IN`), which rules NULL out, so they answer the same; but a NULL
 * entry still cost a page per commit: a callback's delivery has no source, yet each forward moved
 * its `(NULL, NULL, status, id)` entry in deliveries_source_key (~0.5 WAL frames per forward,
 * `bench/forward-cpu.ts --wal`), and every audit entry of a wait or a delivery wrote an
 * `(NULL, id)` entry into audit_approval (~0.24), as a wait's first entry did into audit_delivery.
 */
export const nullableKeys: Migration = {
  async up(db: Kysely<unknown>) {
    const partial = async (name: string, table: string, columns: string[], column: string) => {
      await db.schema.dropIndex(name).execute();
      await db.schema
        .createIndex(name)
        .on(table)
        .columns(columns)
        .where(sql.raw<boolean>(`${column} is not null`))
        .execute();
    };
    await partial(
      "deliveries_source_key",
      "deliveries",
      ["source", "correlation_key", "status", "id"],
      "source",
    );
    await partial("audit_wait", "audit", ["wait_id", "id"], "wait_id");
    await partial("audit_delivery", "audit", ["delivery_id", "id"], "delivery_id");
    await partial("audit_approval", "audit", ["approval_id", "id"], "approval_id");
  },
};
