import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from "kysely";
import { describe, expect, it } from "vitest";
import { fillSlots, prepared, preparedTemplate, slot } from "./prepared.js";
import type { Database } from "./schema.js";

/** Compile-only databases of both SQL dialects the builder writes for. */
const dialects = {
  sqlite: new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

/** One statement with values in set, where and a raw sql fragment, in a fixed order. */
const statement = (db: Kysely<Database>, v: { now: number; id: string; hash: string | null; key: string }) =>
  db
    .updateTable("waits")
    .set({ status: "closed", closed_at: v.now, result_hash: v.hash })
    .where("id", "=", v.id)
    .where("expires_at", ">", v.now)
    .where(sql<boolean>`correlation_key = ${v.key}`)
    .compile();

describe.each(Object.entries(dialects))("prepared statements (%s)", (_name, db) => {
  it("fills each call's values where the builder would have put them, in the builder's order", () => {
    let builds = 0;
    const build = (d: Kysely<Database>) => {
      builds++;
      return statement(d, { now: slot("now"), id: slot("id"), hash: slot("hash"), key: slot("key") });
    };
    for (const values of [
      { now: 1, id: "w-1", hash: "h", key: "k-1" },
      { now: 2, id: "w-2", hash: null, key: "k-2" },
    ]) {
      const q = prepared(db, "test statement", build, values);
      const direct = statement(db, values);
      expect(q.sql).toBe(direct.sql);
      expect(q.parameters).toEqual(direct.parameters);
    }
    expect(builds).toBe(1);
  });

  it("refuses a call that leaves a slot without a value", () => {
    const build = (d: Kysely<Database>) =>
      d.selectFrom("waits").selectAll().where("id", "=", slot<string>("id")).compile();
    expect(() => prepared(db, "missing value", build, {})).toThrow(/no value for id/);
  });

  it("takes a value the call's values lack from `more`, and only then", () => {
    const template = preparedTemplate(db, "two sources", (d) =>
      statement(d, { now: slot("now"), id: slot("id"), hash: slot("hash"), key: slot(":key") }),
    );
    const filled = fillSlots(template, { now: 5, id: "w-5", hash: null }, "two sources", {
      ":key": "k-5",
      id: "not me",
    });
    expect(filled.parameters).toEqual(
      statement(db, { now: 5, id: "w-5", hash: null, key: "k-5" }).parameters,
    );
    expect(() => fillSlots(template, { now: 5, id: "w-5", hash: null }, "two sources", { id: "x" })).toThrow(
      /two sources: no value for :key/,
    );
    // The template stays unfilled for the next call.
    expect(fillSlots(template, { now: 6, id: "w-6", hash: "h", ":key": "k-6" }).parameters).toEqual(
      statement(db, { now: 6, id: "w-6", hash: "h", key: "k-6" }).parameters,
    );
  });
});
