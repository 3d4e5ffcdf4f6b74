import type { Kysely, Migration } from "kysely";

/** Approvals, their decisions and their mails. */
export const approvals: Migration = {
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
};
