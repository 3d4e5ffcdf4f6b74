-- 0010_rejections: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit
create table "rejections" ("id" text primary key, "at" bigint not null, "route" text not null, "source" text, "code" text not null, "status" integer not null, "client_ip" text, "user_agent" text, "header_names" text not null, "body_size" bigint, "body_sha256" text);
create index "rejections_at" on "rejections" ("at", "id");
create index "rejections_source_at" on "rejections" ("source", "at", "id");
create index "rejections_code_at" on "rejections" ("code", "at", "id");
