import type { Kysely, Migration } from "kysely";

/**
 * One row per running gateway process with its last heartbeat. A replica whose heartbeat stopped
 * (killed, its host gone) has its leases taken over by the others within seconds instead of
 * after the whole lease: lease owners start with the instance id (`<instance>/<lease>`).
 */
export const instances: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("instances")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("beat_at", "bigint", (c) => c.notNull())
      .execute();
  },
};
