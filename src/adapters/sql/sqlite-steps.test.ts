import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdsIfChanged, insertWhere } from "./insert-where.js";
import type { Database } from "./schema.js";
import { sqliteSteps } from "./sqlite-steps.js";

describe("sqliteSteps: a conditional insert marked to hold when an earlier statement changed a row", () => {
  let sqlite: SqliteDatabase.Database;
  let db: Kysely<Database>;
  beforeEach(() => {
    sqlite = new SqliteDatabase(":memory:");
    sqlite.exec(`create table waits (id text primary key, status text, delivery_id text);
      create table decisions (approval_id text, version integer, note text, primary key (approval_id, version));
      insert into waits values ('w1', 'open', null)`);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  });
  afterEach(async () => {
    await db.destroy();
  });

  const close = (id: string, deliveryId: string) =>
    db
      .updateTable("waits")
      .set({ status: "closed", delivery_id: deliveryId })
      .where("id", "=", id)
      .where("status", "=", "open")
      .compile();
  const decision = (version: number, condition = sql<boolean>`1 = 1`) =>
    insertWhere(db, "decisions", { approval_id: "a1", version, note: null }, condition);
  const versions = () =>
    sqlite
      .prepare("select version from decisions order by version")
      .all()
      .map((r) => (r as { version: number }).version);

  it("inserts after the named statement changed a row, and not after it changed none", async () => {
    const steps = sqliteSteps(sqlite, { linkAudit: false });
    const first = await steps.atomic([close("w1", "d1"), holdsIfChanged(decision(1), 0)]);
    expect(first.map((r) => r.numAffectedRows)).toEqual([1n, 1n]);
    // The wait is closed now: the close changes nothing, so the insert is skipped, whatever its
    // own condition says (the store runs no check for a marked insert).
    const second = await steps.atomic([close("w1", "d2"), holdsIfChanged(decision(2), 0)]);
    expect(second.map((r) => r.numAffectedRows)).toEqual([0n, 0n]);
    expect(versions()).toEqual([1]);
  });

  it("an unmarked conditional insert still runs its own check", async () => {
    const steps = sqliteSteps(sqlite, { linkAudit: false });
    const results = await steps.atomic([
      close("w1", "d1"),
      decision(1, sql<boolean>`exists (select 1 from waits where id = ${"w1"} and delivery_id = ${"d1"})`),
      decision(2, sql<boolean>`exists (select 1 from waits where id = ${"w1"} and delivery_id = ${"other"})`),
    ]);
    expect(results.map((r) => r.numAffectedRows)).toEqual([1n, 1n, 0n]);
    expect(versions()).toEqual([1]);
  });
});
