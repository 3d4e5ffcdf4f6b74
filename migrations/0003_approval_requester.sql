-- 0003_approval_requester: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
alter table "approvals" add column "requested_by_json" text;
