import type { Kysely, Migration } from "kysely";

/**
 * The task indexes hold only columns that never change after insert. With `status` in them, each
 * accepted callback (the wait closes) and each forwarded delivery (pending to delivered) rewrote an
 * entry keyed by a random task id: one more page in the commit's WAL frames, and so in the
 * checkpoints, per request (~1 of the ~5 pages an accepted callback wrote in the bench). A task
 * holds a handful of waits and deliveries, so reading their rows for the status costs nothing.
 * `(task_id, expires_at)` still answers the open-wait count with one range (0014's reason).
 */
export const taskIndexKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex("waits_task_expiry").on("waits").columns(["task_id", "expires_at"]).execute();
    await db.schema.dropIndex("waits_task_status").execute();
    await db.schema.dropIndex("deliveries_task").execute();
    await db.schema.createIndex("deliveries_task").on("deliveries").column("task_id").execute();
  },
};
