import { type Kysely, Migrator } from "kysely";
import { TaskgateError } from "../../core/errors.js";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

/** Applies pending migrations at start-up; a failure stops the process before it serves. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: "taskgate_migrations",
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
