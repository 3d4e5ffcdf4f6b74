import { type Kysely, type Migration, sql } from "kysely";

/** Waits, deliveries and their forwarding attempts. */
export const waitsAndDeliveries: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("waits")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("execution_id", "text")
      .addColumn("task_external_id", "text")
      .addColumn("source", "text")
      .addColumn("correlation_key", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("output_json", "text")
      .addColumn("metadata_json", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("closed_at", "bigint")
      .addColumn("delivery_id", "text")
      .addColumn("result_hash", "text")
      .execute();
    // One open wait per (source, correlation key): the 409 of POST /v1/waits.
    await db.schema
      .createIndex("waits_open_correlation")
      .on("waits")
      .columns(["source", "correlation_key"])
      .unique()
      .where(sql.raw<boolean>("status = 'open' and source is not null and correlation_key is not null"))
      .execute();
    await db.schema
      .createIndex("waits_status_expiry")
      .on("waits")
      .columns(["status", "expires_at"])
      .execute();
    await db.schema.createIndex("waits_task").on("waits").columns(["task_id"]).execute();

    await db.schema
      .createTable("deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("wait_id", "text")
      .addColumn("task_id", "text")
      .addColumn("execution_id", "text")
      .addColumn("source", "text")
      .addColumn("correlation_key", "text")
      .addColumn("dedupe_key", "text")
      .addColumn("park_until", "bigint")
      .addColumn("reason", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("update_json", "text", (c) => c.notNull())
      .addColumn("result_hash", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("claims", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
      .addColumn("deliver_until", "bigint", (c) => c.notNull())
      .addColumn("lease_owner", "text")
      .addColumn("lease_until", "bigint")
      .addColumn("due_at", "bigint", (c) => c.notNull())
      .addColumn("last_error", "text")
      .addColumn("last_status", "integer")
      .addColumn("last_request_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("delivered_at", "bigint")
      .execute();
    await db.schema.createIndex("deliveries_due").on("deliveries").columns(["status", "due_at"]).execute();
    await db.schema.createIndex("deliveries_wait").on("deliveries").columns(["wait_id"]).execute();
    // One delivery per (source, provider message id): a provider's retry is a duplicate.
    await db.schema
      .createIndex("deliveries_dedupe")
      .on("deliveries")
      .columns(["source", "dedupe_key"])
      .unique()
      .where(sql.raw<boolean>("dedupe_key is not null"))
      .execute();
    await db.schema
      .createIndex("deliveries_parked")
      .on("deliveries")
      .columns(["source", "correlation_key", "status"])
      .execute();

    await db.schema
      .createTable("attempts")
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("finished_at", "bigint", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("http_status", "integer")
      .addColumn("request_id", "text")
      .addColumn("error", "text")
      .addPrimaryKeyConstraint("attempts_pk", ["delivery_id", "attempt"])
      .execute();
  },
};
