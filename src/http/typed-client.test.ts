import { hc } from "hono/client";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { emulatedCdf } from "../../test/support/emulated-cdf.js";
import { TestClock } from "../../test/support/test-clock.js";
import { TEST_API_KEY, testApp } from "../../test/support/test-deps.js";
import type { KyselyStore } from "../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../adapters/sql/sqlite.js";
import type { Emulator } from "../emulator/emulator.js";
import type { AppType } from "./app.js";

/**
 * Users call the API with `hc<AppType>` from hono/client. This test is also a type test: the
 * typecheck fails here when a route's input or response shape changes.
 */
describe("a typed client (hc<AppType>)", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    const e = emulatedCdf(clock);
    emulator = e.emulator;
    t = testApp({ store, cdf: e.cdf, clock });
  });
  afterEach(() => store.close());

  it("creates a wait and reads it back, typed end to end", async () => {
    const client = hc<AppType>("https://taskgate.test", {
      fetch: t.app.request,
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    const taskId = emulator.createExecution().executedTasks[0]!.id;

    const created = await client.v1.waits.$post({ json: { taskId, ttl: "2h", metadata: { by: "fn" } } });
    expect(created.status).toBe(201);
    const wait = await created.json();
    expectTypeOf(wait.id).toEqualTypeOf<string>();
    expectTypeOf(wait.callbackUrl).toEqualTypeOf<string>();
    expectTypeOf(wait.expiresAt).toEqualTypeOf<number>();
    // @ts-expect-error the view keeps stored hashes inside; no such field reaches a client
    expect(wait.closedWithHash).toBeUndefined();
    expect(wait).toMatchObject({ taskId, status: "open", metadata: { by: "fn" } });

    const read = await client.v1.waits[":id"].$get({ param: { id: wait.id } });
    expect(read.status).toBe(200);
    const again = await read.json();
    expectTypeOf(again.status).toEqualTypeOf(wait.status);
    expect(again.id).toBe(wait.id);

    const listed = await (await client.v1.waits.$get({ query: { status: "open" } })).json();
    expect(listed.items.map((w) => w.id)).toEqual([wait.id]);

    const health = await (await client.healthz.$get()).json();
    expectTypeOf(health.version).toEqualTypeOf<string>();
    expect(health).toEqual({ status: "ok", version: "test" });
  });
});
