import { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { aDelivery, aWait } from "../../../test/contract/store-fixtures.js";
import {
  D1Dialect,
  type D1Like,
  type D1ResultLike,
  type D1StatementLike,
  openD1Store,
  toD1Value,
  toResult,
} from "./d1.js";
import type { Database } from "./schema.js";

/**
 * The D1 dialect's own edges, on Node with a recording stand-in for the binding. The store itself
 * runs the full contract suite against real D1 inside workerd (test/workers/d1-store.test.ts).
 */
function recordingD1(answer: (sql: string) => D1ResultLike = () => ({ results: [], meta: { changes: 1 } })) {
  const calls: { kind: "all" | "batch"; statements: { sql: string; values: unknown[] }[] }[] = [];
  const statement = (
    sql: string,
    values: unknown[] = [],
  ): D1StatementLike & { sql: string; values: unknown[] } => ({
    sql,
    values,
    bind: (...v: unknown[]) => statement(sql, v),
    all: async () => {
      calls.push({ kind: "all", statements: [{ sql, values }] });
      return answer(sql);
    },
  });
  const d1: D1Like = {
    prepare: (sql) => statement(sql),
    batch: async (statements) => {
      const list = statements as ReturnType<typeof statement>[];
      calls.push({ kind: "batch", statements: list.map((s) => ({ sql: s.sql, values: s.values })) });
      return list.map((s) => answer(s.sql));
    },
  };
  return { d1, calls };
}

describe("D1 dialect", () => {
  it("binds only what D1 accepts: undefined as null, safe BigInts as numbers", () => {
    expect(toD1Value(undefined)).toBeNull();
    expect(toD1Value(12n)).toBe(12);
    expect(toD1Value("x")).toBe("x");
    expect(toD1Value(null)).toBeNull();
    expect(() => toD1Value(2n ** 60n)).toThrow(RangeError);
  });

  it("reads affected rows from meta.changes and the rowid only for a write", () => {
    expect(toResult({ results: [{ a: 1 }], meta: { changes: 0, last_row_id: 7 } })).toEqual({
      rows: [{ a: 1 }],
      numAffectedRows: 0n,
    });
    expect(toResult({ meta: { changes: 2, last_row_id: 9 } })).toEqual({
      rows: [],
      numAffectedRows: 2n,
      insertId: 9n,
    });
  });

  it("runs an accept (close the wait, insert the delivery) as one batch, with every value bindable", async () => {
    const { d1, calls } = recordingD1();
    const store = openD1Store(d1);
    const wait = aWait();
    const delivery = aDelivery(wait);
    expect((await store.acceptCallback({ waitId: wait.id, now: wait.createdAt + 1, delivery })).kind).toBe(
      "accepted",
    );
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.kind).toBe("batch");
    expect(call?.statements.map((s) => s.sql.split(" ")[0])).toEqual(["update", "insert"]);
    for (const s of call!.statements) {
      for (const v of s.values) expect(["string", "number", "object"]).toContain(typeof v);
      expect(s.values.length).toBeLessThanOrEqual(100); // D1's limit per statement
    }
  });

  it("has no interactive transactions: a stray one fails loudly instead of running unguarded", async () => {
    const db = new Kysely<Database>({ dialect: new D1Dialect(recordingD1().d1) });
    await expect(db.transaction().execute(async () => {})).rejects.toThrow(/no interactive transactions/);
  });
});
