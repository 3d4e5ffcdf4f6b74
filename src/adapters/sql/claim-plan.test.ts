import Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atomicByTransaction } from "./dialect-ops.js";
import { migrateToLatest } from "./migrate.js";
import type { Database as Tables } from "./schema.js";
import { claimStatement, type LeasedTable } from "./sql-helpers.js";

/**
 * The forwarder and the mail outbox claim on every tick, with a backlog behind them: the claim
 * must find its rows through the due index and touch only those, never walk the backlog.
 */
const claim = { now: 1_750_000_000_000, owner: "w1", leaseMs: 30_000, limit: 10 };
const tables: LeasedTable[] = ["deliveries", "mails"];

describe("claim query plan on SQLite", () => {
  const raw = new Database(":memory:");
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: raw }) });
  beforeAll(() => migrateToLatest(db));
  afterAll(() => db.destroy());

  it.each(tables)("%s: finds due ids by the due index, updates them by primary key", (table) => {
    const q = claimStatement(db, { atomic: atomicByTransaction, skipLocked: false }, table, claim).compile();
    const plan = raw
      .prepare(`explain query plan ${q.sql}`)
      .all(...(q.parameters as unknown[]))
      .map((r) => (r as { detail: string }).detail);
    expect(plan).toContain(`SEARCH ${table} USING INDEX ${table}_due (status=? AND due_at<?)`);
    expect(plan).toContain(`SEARCH ${table} USING INDEX sqlite_autoindex_${table}_1 (id=?)`);
    expect(plan.filter((d) => d.includes("USING INDEX") && d.includes("_due"))).toHaveLength(1);
    expect(plan.some((d) => d.startsWith(`SCAN ${table}`))).toBe(false);
  });
});

const url = process.env.TASKGATE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

describe("claim query plan on PostgreSQL", () => {
  const schema = `tg_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  let db: Kysely<Tables> | undefined;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await admin.connect();
      await admin.query(`create schema ${schema}`);
    } catch (e) {
      if (process.env.CI || process.env.TASKGATE_TEST_PG) throw e;
      return; // No PostgreSQL here: the store contract says so; this plan check is skipped.
    } finally {
      await admin.end().catch(() => {});
    }
    const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db, schema);
    // A backlog: most rows delivered long ago, a thousand pending and due.
    await sql`insert into deliveries (id, status, update_json, result_hash, next_attempt_at, deliver_until,
        due_at, created_at, updated_at)
      select 'd' || g, case when g % 5 = 0 then 'pending' else 'delivered' end, '{}', 'h', g, g, g, g, g
      from generate_series(1, 5000) g`.execute(db);
    await sql`analyze deliveries`.execute(db);
  });
  afterAll(async () => {
    if (!db) return;
    await sql.raw(`drop schema ${schema} cascade`).execute(db);
    await db.destroy();
  });

  it("finds due ids by the due index, updates them by primary key", async (ctx) => {
    if (!db) return ctx.skip();
    const q = claimStatement(
      db,
      { atomic: atomicByTransaction, skipLocked: true },
      "deliveries",
      claim,
    ).compile();
    const { rows } = await db.executeQuery<{ "QUERY PLAN": string }>({
      ...q,
      sql: `explain ${q.sql}`,
    });
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toMatch(/Index Scan using deliveries_due on deliveries/);
    expect(plan).toMatch(/Index Scan using deliveries_pkey on deliveries/);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
