import type { Kysely, Migration } from "kysely";

/**
 * A new wait or approval counts the open waits and pending approvals of its task. With an index
 * on `task_id` alone, SQLite's planner preferred `(status, expires_at)` for that count, which
 * walks every open wait: ~1.2 ms per registration with 20,000 open waits, growing with them.
 * With `(task_id, status, expires_at)` the count reads only the task's own entries (~10 µs);
 * the index still serves lookups by task alone, so it replaces the one-column index.
 */
export const taskLookups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex("waits_task_status")
      .on("waits")
      .columns(["task_id", "status", "expires_at"])
      .execute();
    await db.schema.dropIndex("waits_task").execute();
    await db.schema
      .createIndex("approvals_task_status")
      .on("approvals")
      .columns(["task_id", "status", "expires_at"])
      .execute();
    await db.schema.dropIndex("approvals_task").execute();
  },
};
