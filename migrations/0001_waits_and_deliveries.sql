-- 0001_waits_and_deliveries: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create table "waits" ("id" text primary key, "task_id" text not null, "execution_id" text, "task_external_id" text, "source" text, "correlation_key" text, "status" text not null, "output_json" text, "metadata_json" text, "created_at" bigint not null, "expires_at" bigint not null, "closed_at" bigint, "delivery_id" text, "result_hash" text);
create unique index "waits_open_correlation" on "waits" ("source", "correlation_key") where status = 'open' and source is not null and correlation_key is not null;
create index "waits_status_expiry" on "waits" ("status", "expires_at");
create index "waits_task" on "waits" ("task_id");
create table "deliveries" ("id" text primary key, "wait_id" text, "task_id" text, "execution_id" text, "source" text, "correlation_key" text, "dedupe_key" text, "park_until" bigint, "reason" text, "status" text not null, "update_json" text not null, "result_hash" text not null, "attempts" integer default 0 not null, "claims" integer default 0 not null, "next_attempt_at" bigint not null, "deliver_until" bigint not null, "lease_owner" text, "lease_until" bigint, "due_at" bigint not null, "last_error" text, "last_status" integer, "last_request_id" text, "created_at" bigint not null, "updated_at" bigint not null, "delivered_at" bigint);
create index "deliveries_due" on "deliveries" ("status", "due_at");
create index "deliveries_wait" on "deliveries" ("wait_id");
create unique index "deliveries_dedupe" on "deliveries" ("source", "dedupe_key") where dedupe_key is not null;
create index "deliveries_parked" on "deliveries" ("source", "correlation_key", "status");
create table "attempts" ("delivery_id" text not null, "attempt" integer not null, "started_at" bigint not null, "finished_at" bigint not null, "outcome" text not null, "http_status" integer, "request_id" text, "error" text, constraint "attempts_pk" primary key ("delivery_id", "attempt"));
