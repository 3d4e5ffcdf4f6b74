import pg from "pg";
import type { Resources } from "./resources.js";

/**
 * The shared PostgreSQL server the tests use (.ci/run starts it; TASKGATE_TEST_PG overrides the
 * URL), and the isolation every PostgreSQL test needs on it: a schema or a database of its own,
 * dropped at the end. Fault tests that kill connections or restart the server run their own
 * cluster instead (own-postgres.ts) and use the same helpers against it.
 */
export const TEST_PG_URL = process.env.TASKGATE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export async function postgresReachable(url = TEST_PG_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Whether the shared server answers. Locally a suite without it is skipped; in CI (or with
 * TASKGATE_TEST_PG set) it must answer, or the whole file fails.
 */
export async function sharedPostgresAvailable(): Promise<boolean> {
  const available = await postgresReachable();
  if (!available && (process.env.CI || process.env.TASKGATE_TEST_PG)) {
    throw new Error(`PostgreSQL is required here but unreachable at ${TEST_PG_URL}`);
  }
  return available;
}

/** A fresh lower-case identifier for a schema or database: `<prefix>_<12 hex>`. */
export function freshName(prefix = "tg"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** Runs one statement as the admin of `url`'s server. */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  admin.on("error", () => {});
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end().catch(() => {});
  }
}

/**
 * A database of the test's own on the server of `adminUrl` (for gateways started from a config
 * file, which names a database, not a schema), dropped (with its sessions) at cleanup. Its URL.
 */
export async function freshDatabase(
  resources: Resources,
  prefix = "tg",
  adminUrl = TEST_PG_URL,
): Promise<string> {
  const name = freshName(prefix);
  await adminQuery(adminUrl, `create database ${name}`);
  resources.defer(() => adminQuery(adminUrl, `drop database if exists ${name} with (force)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
