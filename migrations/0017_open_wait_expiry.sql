-- 0017_open_wait_expiry: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create index "waits_open_expiry" on "waits" ("expires_at") where status = 'open';
drop index "waits_status_expiry";
