import { readFileSync } from "node:fs";
import SqliteDatabase from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrationSql } from "./migration-sql.js";

describe("D1 migration files", () => {
  it("are exactly what the Kysely migrations compile to (run npm run migrations:d1 after a change)", async () => {
    for (const { name, sql } of await migrationSql()) {
      const committed = readFileSync(new URL(`../../../migrations/${name}.sql`, import.meta.url), "utf8");
      expect(committed).toBe(sql);
    }
  });

  it("apply cleanly to an empty SQLite database", async () => {
    const db = new SqliteDatabase(":memory:");
    for (const { sql } of await migrationSql()) db.exec(sql);
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual([
      "approvals",
      "attempts",
      "audit",
      "decisions",
      "deliveries",
      "instances",
      "mails",
      "rejections",
      "waits",
    ]);
    db.close();
  });
});
