import { type Kysely, type Migration, sql } from "kysely";

/**
 * The expiry sweep needs the open waits by `expires_at`; nothing reads the others by expiry. With
 * `(status, expires_at)` every accepted callback moved its wait's entry from the open part of the
 * index to the closed part, two pages at random places (~1.25 WAL frames per accept with 20,000
 * waits open, `bench/wal-pages.ts`). A partial index of open waits only loses the entry.
 */
export const openWaitExpiry: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex("waits_open_expiry")
      .on("waits")
      .column("expires_at")
      .where(sql.raw<boolean>("status = 'open'"))
      .execute();
    await db.schema.dropIndex("waits_status_expiry").execute();
  },
};
