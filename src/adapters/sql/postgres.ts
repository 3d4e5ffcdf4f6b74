import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { atomicByTransaction } from "./dialect-ops.js";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  /** A schema to create and use (tests isolate themselves this way). */
  schema?: string;
}

// BIGINT (int8) arrives as a string by default; epoch milliseconds fit a double exactly.
pg.types.setTypeParser(20, (v) => Number(v));

/** PostgreSQL for several replicas: the shared Kysely store, claims with SKIP LOCKED. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<KyselyStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new Error("schema must be a lower-case SQL identifier");
  }
  if (options.schema) {
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${options.schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, options.schema ?? (await currentSchema(db)));
  return new KyselyStore(db, { atomic: atomicByTransaction, skipLocked: true });
}

/** The schema unqualified tables land in (the URL's search_path, else `public`). */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? "public";
}
