import type { Kysely, Migration } from "kysely";

/**
 * The console lists deliveries of one state newest first (dead letters, parked, "delivered"):
 * with (status, id) that is an index walk of one page, not a sort of every row in the state
 * (measured with 100,000 deliveries in SQLite: 560 ms → a few ms for the delivered list).
 */
export const consoleIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex("deliveries_status_id").on("deliveries").columns(["status", "id"]).execute();
  },
};
