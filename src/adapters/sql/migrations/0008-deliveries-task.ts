import type { Kysely, Migration } from "kysely";

/**
 * Deliveries by task: a new wait or approval asks whether taskgate already delivered an update
 * for its task (it would only end in a dead letter), without scanning every delivery.
 */
export const deliveriesTask: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex("deliveries_task").on("deliveries").columns(["task_id", "status"]).execute();
  },
};
