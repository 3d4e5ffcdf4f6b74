-- 0009_console_indexes: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create index "deliveries_status_id" on "deliveries" ("status", "id");
