import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atomicByTransaction, type SqlContext } from "./dialect-ops.js";
import { KyselyAuditStore } from "./kysely-audit.js";
import { findParked } from "./kysely-parking.js";
import { taskActivity } from "./kysely-task-activity.js";
import { expireWaits, findOpenWait } from "./kysely-waits.js";
import { migrateToLatest } from "./migrate.js";
import type { Database as Tables } from "./schema.js";

/**
 * Lookups that run once per request must read only their own rows, however many waits are open.
 * SQLite has no statistics here (no ANALYZE), so its plans follow the indexes and the shape of the
 * SQL alone: these pin them. Each statement is captured as the store prepares it and explained
 * twice, with its own values and with every value NULL: a plan that needs the values to find its
 * index is compiled again each time values are bound.
 */
describe("per-request lookup plans on SQLite", () => {
  const raw = new Database(":memory:");
  const seen: string[] = [];
  const prepare = raw.prepare.bind(raw);
  const spy = ((text: string) => {
    seen.push(text);
    return prepare(text);
  }) as typeof raw.prepare;
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: { prepare: spy, close: () => raw.close() } }),
  });
  const ctx: SqlContext = { db, ops: { atomic: atomicByTransaction } } as SqlContext;

  beforeAll(() => migrateToLatest(db));
  afterAll(() => db.destroy());

  /** The statements `run` prepares, each with its plan for the given values and for NULLs. */
  async function plansOf(run: () => Promise<unknown>, values: readonly unknown[][]) {
    seen.length = 0;
    await run();
    return seen.map((text, i) => {
      const explain = (params: readonly unknown[]) =>
        prepare(`explain query plan ${text}`)
          .all(...params)
          .map((r) => (r as { detail: string }).detail)
          .join(" | ");
      const own = values[i] ?? [];
      return { text, plan: explain(own), withNulls: explain(own.map(() => null)) };
    });
  }

  it("a new wait counts its task's open waits and pending approvals by the task indexes", async () => {
    const now = 1_750_000_000_000;
    const [delivered, waits, approvals] = await plansOf(
      () => taskActivity(ctx, "task-1", now),
      [
        ["task-1", "delivered", 1],
        ["task-1", now],
        ["task-1", "pending", now],
      ],
    );
    expect(delivered!.plan).toContain("SEARCH deliveries USING INDEX deliveries_task (task_id=?)");
    expect(waits!.plan).toBe("SEARCH waits USING INDEX waits_task_expiry (task_id=? AND expires_at>?)");
    expect(approvals!.plan).toBe(
      "SEARCH approvals USING COVERING INDEX approvals_task_status (task_id=? AND status=? AND expires_at>?)",
    );
    for (const s of [delivered, waits, approvals]) expect(s!.withNulls).toBe(s!.plan);
  });

  it("keys the task indexes on columns an accept or a forward never changes", () => {
    // Each index entry a write changes is one more page in that commit (WAL frames, checkpoints),
    // and task ids are random: with `status` in these, every accept and every forward paid one.
    const changedBy = {
      // closing a wait (kysely-intake.ts, closeWait)
      waits: ["status", "closed_at", "delivery_id", "result_hash"],
      // recording an attempt (kysely-forwarding.ts, recordUpdate) and claiming
      deliveries: [
        "status",
        "attempts",
        "due_at",
        "next_attempt_at",
        "lease_owner",
        "lease_until",
        "delivered_at",
      ],
    };
    for (const [table, changed] of Object.entries(changedBy)) {
      const byTask = (raw.prepare(`pragma index_list(${table})`).all() as { name: string }[])
        .map(({ name }) => ({
          name,
          columns: (raw.prepare(`pragma index_info(${name})`).all() as { name: string }[]).map((c) => c.name),
        }))
        .filter((index) => index.columns[0] === "task_id");
      expect(byTask.length, table).toBe(1);
      for (const index of byTask)
        expect(
          index.columns.filter((c) => changed.includes(c)),
          index.name,
        ).toEqual([]);
    }
  });

  it("the expiry sweep finds expired open waits by the partial index of open waits", async () => {
    const now = 1_750_000_000_000;
    // The table is empty: the sweep selects, finds nothing, and writes nothing.
    const none = (): never => {
      throw new Error("no wait is expired here");
    };
    const [select] = await plansOf(() => expireWaits(ctx, now, none), [[now, 200]]);
    expect(select!.plan).toMatch(/^SEARCH waits USING INDEX waits_open_expiry \(expires_at<\?\)/);
    expect(select!.withNulls).toBe(select!.plan);
  });

  it("a subject's audit entries come through the partial indexes by wait, delivery and approval", async () => {
    const audit = new KyselyAuditStore(ctx);
    const [list] = await plansOf(
      () => audit.list({ subject: "w-1", limit: 50 }),
      [["w-1", "w-1", "w-1", 51]],
    );
    for (const index of [
      "audit_wait (wait_id=?)",
      "audit_delivery (delivery_id=?)",
      "audit_approval (approval_id=?)",
    ])
      expect(list!.plan).toContain(`SEARCH audit USING INDEX ${index}`);
    expect(list!.withNulls).toBe(list!.plan);
  });

  it("a webhook finds its open wait by the partial index of open waits, whatever is bound", async () => {
    const now = 1_750_000_000_000;
    const [lookup] = await plansOf(() => findOpenWait(ctx, "lims", "S-1", now), [["lims", "S-1", now]]);
    expect(lookup!.plan).toBe(
      "SEARCH waits USING INDEX waits_open_correlation (source=? AND correlation_key=?)",
    );
    expect(lookup!.withNulls).toBe(lookup!.plan);
  });

  it("a new wait finds the oldest webhook parked under its key without walking the others", async () => {
    const now = 1_750_000_000_000;
    const [lookup] = await plansOf(
      () => findParked(ctx, "lims", "S-1", now),
      [["lims", "S-1", "parked", now, 1]],
    );
    expect(lookup!.plan).toBe(
      "SEARCH deliveries USING INDEX deliveries_source_key (source=? AND correlation_key=? AND status=?)",
    );
    expect(lookup!.withNulls).toBe(lookup!.plan);
  });
});
