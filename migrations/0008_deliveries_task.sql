-- 0008_deliveries_task: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create index "deliveries_task" on "deliveries" ("task_id", "status");
