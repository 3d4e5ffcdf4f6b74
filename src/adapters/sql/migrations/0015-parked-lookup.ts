import type { Kysely, Migration } from "kysely";

/**
 * A new wait with a source looks for the oldest webhook parked under its key. The lookup orders
 * by id, and with `(source, correlation_key, status)` SQLite's planner preferred walking
 * `(status, id)` over every parked delivery instead: ~770 µs per registration with 10,000 parked.
 * With the id in the index the key's own rows come out in order (~20 µs).
 */
export const parkedLookup: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex("deliveries_source_key")
      .on("deliveries")
      .columns(["source", "correlation_key", "status", "id"])
      .execute();
    await db.schema.dropIndex("deliveries_parked").execute();
  },
};
