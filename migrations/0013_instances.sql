-- 0013_instances: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create table "instances" ("id" text primary key, "started_at" bigint not null, "beat_at" bigint not null);
