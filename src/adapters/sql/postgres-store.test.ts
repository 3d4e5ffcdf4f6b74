import pg from "pg";
import { openPostgresStore } from "./postgres.js";
import { describeStoreContract } from "./store.contract.js";

/** PostgreSQL runs on the machine (CI starts it); TASKGATE_TEST_PG overrides the URL. */
const url = process.env.TASKGATE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

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
