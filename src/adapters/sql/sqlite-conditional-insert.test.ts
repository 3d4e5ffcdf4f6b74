import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertWhere } from "./insert-where.js";
import type { Database } from "./schema.js";
import { splitConditionalInsert } from "./sqlite-conditional-insert.js";

describe("splitConditionalInsert", () => {
  let sqlite: SqliteDatabase.Database;
  let db: Kysely<Database>;
  beforeEach(() => {
    sqlite = new SqliteDatabase(":memory:");
    sqlite.exec(`create table waits (id text primary key, status text);
      create table decisions (approval_id text, version integer, note text, primary key (approval_id, version))`);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  });
  afterEach(async () => {
    await db.destroy();
  });

  const conditional = (version: number, status: string) =>
    insertWhere(
      db,
      "decisions",
      { approval_id: "a1", version, note: 'it\'s "quoted"' },
      sql<boolean>`exists (select 1 from waits where id = ${"w1"} and status = ${status}) and ${version} > 0`,
    );

  it("splits insertWhere's statement into a check and a plain insert with the same outcome", () => {
    sqlite.prepare("insert into waits values ('w1', 'open')").run();
    for (const [version, status, inserts] of [
      [1, "open", true],
      [2, "closed", false],
      [0, "open", false],
    ] as const) {
      const q = conditional(version, status);
      const split = splitConditionalInsert(q.sql)!;
      expect(split.valueCount).toBe(3);
      expect(split.insert).toBe(
        'insert into "decisions" ("approval_id", "version", "note") values (?, ?, ?)',
      );
      const ok = sqlite.prepare(split.check).get(q.parameters.slice(split.valueCount)) as { ok: number };
      expect(Boolean(ok.ok)).toBe(inserts);
      // The whole statement, for comparison: it inserts exactly when the check says so.
      const whole = sqlite.prepare(q.sql).run(q.parameters).changes;
      expect(whole).toBe(inserts ? 1 : 0);
    }
    const q = conditional(3, "open");
    const split = splitConditionalInsert(q.sql)!;
    expect(sqlite.prepare(split.insert).run(q.parameters.slice(0, split.valueCount)).changes).toBe(1);
    expect(sqlite.prepare("select note from decisions where version = 3").get()).toEqual({
      note: 'it\'s "quoted"',
    });
  });

  it("leaves every other statement whole", () => {
    const others = [
      db
        .insertInto("waits")
        .values({ id: "w", status: "open" } as never)
        .compile().sql,
      db
        .updateTable("waits")
        .set({ status: "closed" } as never)
        .where("id", "=", "w")
        .compile().sql,
      db.selectFrom("waits").selectAll().compile().sql,
      `${conditional(1, "open").sql} returning "version"`,
      `${conditional(1, "open").sql} on conflict do nothing`,
      // A value written as SQL, not bound: the VALUES form could not carry it.
      'insert into "waits" ("id", "status") select ? as "id", \'open\' as "status" where 1',
    ];
    for (const text of others) expect(splitConditionalInsert(text), text).toBeNull();
  });
});
