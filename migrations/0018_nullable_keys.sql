-- 0018_nullable_keys: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
drop index "deliveries_source_key";
create index "deliveries_source_key" on "deliveries" ("source", "correlation_key", "status", "id") where source is not null;
drop index "audit_wait";
create index "audit_wait" on "audit" ("wait_id", "id") where wait_id is not null;
drop index "audit_delivery";
create index "audit_delivery" on "audit" ("delivery_id", "id") where delivery_id is not null;
drop index "audit_approval";
create index "audit_approval" on "audit" ("approval_id", "id") where approval_id is not null;
