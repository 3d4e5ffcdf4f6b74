-- 0014_task_lookups: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create index "waits_task_status" on "waits" ("task_id", "status", "expires_at");
drop index "waits_task";
create index "approvals_task_status" on "approvals" ("task_id", "status", "expires_at");
drop index "approvals_task";
