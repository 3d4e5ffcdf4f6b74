import pg from "pg";
import { describe, it } from "vitest";
import { describeStoreContract } from "../../../test/contract/store-contract.js";
import { openPostgresStore } from "./postgres.js";

/**
 * PostgreSQL runs on the development machines and CI (.ci/run starts it); TASKGATE_TEST_PG
 * overrides the URL. Without a reachable server the suite is skipped locally, but never in CI.
 */
const url = process.env.TASKGATE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await reachable();
if (!available && (process.env.CI || process.env.TASKGATE_TEST_PG)) {
  throw new Error(`PostgreSQL is required here but unreachable at ${url}`);
}

if (available) {
  describeStoreContract("PostgreSQL", async () => {
    const schema = `tg_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const store = await openPostgresStore({ url, schema, poolSize: 8 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  });
} else {
  describe("Store contract: PostgreSQL", () => {
    it.skip(`skipped: no PostgreSQL at ${url} (set TASKGATE_TEST_PG, or start it)`, () => {});
  });
}
