import type { Kysely, Migration } from "kysely";

/**
 * The rejected-request log: requests to /hooks and /v1/callbacks refused before acceptance.
 * Lists read newest first by (at, id), filtered by source or code; retention deletes by `at`.
 */
export const rejections: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("rejections")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("route", "text", (c) => c.notNull())
      .addColumn("source", "text")
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("status", "integer", (c) => c.notNull())
      .addColumn("client_ip", "text")
      .addColumn("user_agent", "text")
      .addColumn("header_names", "text", (c) => c.notNull())
      .addColumn("body_size", "bigint")
      .addColumn("body_sha256", "text")
      .execute();
    await db.schema.createIndex("rejections_at").on("rejections").columns(["at", "id"]).execute();
    await db.schema
      .createIndex("rejections_source_at")
      .on("rejections")
      .columns(["source", "at", "id"])
      .execute();
    await db.schema
      .createIndex("rejections_code_at")
      .on("rejections")
      .columns(["code", "at", "id"])
      .execute();
  },
};
