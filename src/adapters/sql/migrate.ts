import { type Kysely, Migrator } from "kysely";
import { TaskgateError } from "../../core/errors.js";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

/**
 * Applies pending migrations at start-up; a failure stops the process before it serves.
 * `schema` (PostgreSQL) pins the migration and lock tables to the store's own schema: without it
 * Kysely looks for them in every schema of the database, finds another store's, skips creating
 * its own and then fails on a lock table that is not on its search path.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: "taskgate_migrations",
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new TaskgateError(
      "store_unavailable",
      `database migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
