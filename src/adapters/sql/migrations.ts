import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";

/**
 * The schema, once, for every dialect. The D1 migration files are generated from this list, so
 * SQLite, D1 and PostgreSQL cannot drift apart. Append new migrations; never edit applied ones.
 */
export const migrations: Record<string, Migration> = {
  "0001_waits_and_deliveries": {
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
  },
  "0002_approvals": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("approvals")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("execution_id", "text")
        .addColumn("task_external_id", "text")
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("policy_kind", "text", (c) => c.notNull())
        .addColumn("policy_count", "integer")
        .addColumn("approvers_json", "text", (c) => c.notNull())
        .addColumn("on_reject", "text", (c) => c.notNull())
        .addColumn("on_expire", "text", (c) => c.notNull())
        .addColumn("notify", "integer", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("metadata_json", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("closed_at", "bigint")
        .addColumn("delivery_id", "text")
        .addColumn("version", "integer", (c) => c.notNull())
        // Marks the step that last moved the row, so the statements after it in the same atomic
        // unit (decision, delivery) run only if that step was this caller's.
        .addColumn("step_id", "text")
        .execute();
      await db.schema
        .createIndex("approvals_status_expiry")
        .on("approvals")
        .columns(["status", "expires_at"])
        .execute();
      await db.schema.createIndex("approvals_task").on("approvals").columns(["task_id"]).execute();

      await db.schema
        .createTable("decisions")
        .addColumn("approval_id", "text", (c) => c.notNull())
        .addColumn("approver_index", "integer", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("decision", "text", (c) => c.notNull())
        .addColumn("comment", "text")
        .addColumn("decided_at", "bigint", (c) => c.notNull())
        .addColumn("ip", "text")
        .addColumn("user_agent", "text")
        // One decision per approver: the database refuses a second one whatever the code does.
        .addPrimaryKeyConstraint("decisions_pk", ["approval_id", "approver_index"])
        .execute();

      await db.schema
        .createTable("mails")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("approval_id", "text", (c) => c.notNull())
        .addColumn("approver_index", "integer", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
        .addColumn("due_at", "bigint", (c) => c.notNull())
        .addColumn("send_until", "bigint", (c) => c.notNull())
        .addColumn("lease_owner", "text")
        .addColumn("lease_until", "bigint")
        .addColumn("last_error", "text")
        .addColumn("message_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("sent_at", "bigint")
        .execute();
      await db.schema.createIndex("mails_due").on("mails").columns(["status", "due_at"]).execute();
      await db.schema.createIndex("mails_approval").on("mails").columns(["approval_id"]).execute();
    },
  },
  "0003_approval_requester": {
    async up(db: Kysely<unknown>) {
      // Nullable, so approvals created before it read back with no requester.
      await db.schema.alterTable("approvals").addColumn("requested_by_json", "text").execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
