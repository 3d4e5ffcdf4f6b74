import type { Kysely, Migration } from "kysely";

/**
 * The audit log. Entries are inserted unsealed (seq, prev_hash, hash null) in the transaction of
 * the change they record; a sealer links them in order shortly after. The unique seq is what
 * keeps two sealers from forking the chain: a second claim on a position fails whole.
 */
export const audit: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("audit")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("wait_id", "text")
      .addColumn("delivery_id", "text")
      .addColumn("approval_id", "text")
      .addColumn("data_json", "text", (c) => c.notNull())
      .addColumn("seq", "bigint")
      .addColumn("prev_hash", "text")
      .addColumn("hash", "text")
      .execute();
    await db.schema.createIndex("audit_seq").on("audit").column("seq").unique().execute();
    await db.schema.createIndex("audit_wait").on("audit").columns(["wait_id", "id"]).execute();
    await db.schema.createIndex("audit_delivery").on("audit").columns(["delivery_id", "id"]).execute();
    await db.schema.createIndex("audit_approval").on("audit").columns(["approval_id", "id"]).execute();
  },
};
