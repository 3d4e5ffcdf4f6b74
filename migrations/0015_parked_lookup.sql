-- 0015_parked_lookup: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create index "deliveries_source_key" on "deliveries" ("source", "correlation_key", "status", "id");
drop index "deliveries_parked";
