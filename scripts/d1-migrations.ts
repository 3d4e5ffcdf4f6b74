/**
 * Writes migrations/NNNN_name.sql (the wrangler D1 migrations) from the Kysely migrations.
 * `npm run migrations:d1`; a test fails when the committed files drift from the source.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrationSql } from "../src/adapters/sql/migration-sql.js";

const dir = join(import.meta.dirname, "..", "migrations");
mkdirSync(dir, { recursive: true });
for (const { name, sql } of await migrationSql()) {
  writeFileSync(join(dir, `${name}.sql`), sql);
  console.log(`wrote migrations/${name}.sql`);
}
