import pg from "pg";
import { describe, expect, it } from "vitest";
import { describeStoreContract } from "../../../test/contract/store-contract.js";
import { deadLetters, T0 } from "../../../test/contract/store-fixtures.js";
import {
  adminQuery,
  freshName,
  sharedPostgresAvailable,
  TEST_PG_URL,
} from "../../../test/support/postgres.js";
import { openPostgresStore } from "./postgres.js";

/**
 * PostgreSQL runs on the development machines and CI (.ci/run starts it); TASKGATE_TEST_PG
 * overrides the URL. Without a reachable server the suite is skipped locally, but never in CI.
 */
const url = TEST_PG_URL;
const available = await sharedPostgresAvailable();

if (available) {
  describeStoreContract("PostgreSQL", async () => {
    const schema = freshName("tg");
    const store = await openPostgresStore({ url, schema, poolSize: 8 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await adminQuery(url, `drop schema ${schema} cascade`);
      },
    };
  });

  describe("PostgreSQL bulk replay", () => {
    it("passes over the dead letters another transaction holds, queues the next ones, and keeps to its limit", async () => {
      const schema = freshName("tg");
      const store = await openPostgresStore({ url, schema, poolSize: 2 });
      const other = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await other.connect();
      try {
        const dead = await deadLetters(store, 6);
        // Another replay (or an operator's transaction) holds the four oldest.
        await other.query("begin");
        await other.query("select id from deliveries where status = 'dead' order by id limit 4 for update");
        // Without SKIP LOCKED this would wait for those locks (the test would time out), then
        // find nothing left to queue.
        expect(await store.replayDeliveries({ status: "dead" }, T0 + 40, T0 + 9_000, 4)).toBe(2);
        const statuses = async () =>
          Promise.all(dead.map(async (id) => (await store.getDelivery(id))?.status));
        expect(await statuses()).toEqual(["dead", "dead", "dead", "dead", "pending", "pending"]);
        await other.query("rollback");
        expect(await store.replayDeliveries({ status: "dead" }, T0 + 50, T0 + 9_000, 3)).toBe(3);
        expect(await statuses()).toEqual(["pending", "pending", "pending", "dead", "pending", "pending"]);
      } finally {
        await other.end();
        await store.close();
        await adminQuery(url, `drop schema ${schema} cascade`);
      }
    });
  });

  describe("PostgreSQL schemas", () => {
    it("opens two stores in two schemas of one database, each with its own migration tables", async () => {
      const schemas = [0, 1].map(() => freshName("tg"));
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        // The second store finds the first one's migration tables in another schema; it must
        // still create (and lock) its own.
        for (const schema of schemas) {
          const store = await openPostgresStore({ url, schema, poolSize: 2 });
          await store.ping();
          await store.close();
        }
        const { rows } = await admin.query<{ table_schema: string; table_name: string }>(
          `select table_schema, table_name from information_schema.tables
            where table_schema = any($1) and table_name in ('taskgate_migrations', 'kysely_migration_lock')
            order by 1, 2`,
          [schemas],
        );
        expect(rows).toEqual(
          [...schemas].sort().flatMap((s) => [
            { table_schema: s, table_name: "kysely_migration_lock" },
            { table_schema: s, table_name: "taskgate_migrations" },
          ]),
        );
      } finally {
        for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      }
    });
  });
} else {
  describe("Store contract: PostgreSQL", () => {
    it.skip(`skipped: no PostgreSQL at ${url} (set TASKGATE_TEST_PG, or start it)`, () => {});
  });
}
