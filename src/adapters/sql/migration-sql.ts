import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from "kysely";
import { migrations } from "./migrations/index.js";

/**
 * The SQLite text of each migration, compiled from the same Kysely definitions the Node stores
 * run. It becomes the wrangler D1 migration files, so D1 and SQLite share one schema source.
 */
export async function migrationSql(): Promise<{ name: string; sql: string }[]> {
  const out: { name: string; sql: string }[] = [];
  for (const [name, migration] of Object.entries(migrations)) {
    const statements: string[] = [];
    const db = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new SqliteIntrospector(k),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
      log: (event) => {
        if (event.level !== "query") return;
        if (event.query.parameters.length > 0) {
          throw new Error(`migration ${name}: a schema statement has bound parameters; inline them`);
        }
        statements.push(`${event.query.sql};`);
      },
    });
    await migration.up(db);
    await db.destroy();
    out.push({
      name,
      sql: `-- ${name}: generated from src/adapters/sql/migrations/ by npm run migrations:d1; do not edit\n${statements.join("\n")}\n`,
    });
  }
  return out;
}
