-- 0016_task_index_keys: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create index "waits_task_expiry" on "waits" ("task_id", "expires_at");
drop index "waits_task_status";
drop index "deliveries_task";
create index "deliveries_task" on "deliveries" ("task_id");
