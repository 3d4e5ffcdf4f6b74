-- 0011_audit: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create table "audit" ("id" text primary key, "kind" text not null, "at" bigint not null, "actor" text not null, "wait_id" text, "delivery_id" text, "approval_id" text, "data_json" text not null, "seq" bigint, "prev_hash" text, "hash" text);
create unique index "audit_seq" on "audit" ("seq");
create index "audit_wait" on "audit" ("wait_id", "id");
create index "audit_delivery" on "audit" ("delivery_id", "id");
create index "audit_approval" on "audit" ("approval_id", "id");
