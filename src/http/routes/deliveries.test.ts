import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aDelivery, aWait } from "../../../test/contract/store-fixtures.js";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import type { DeliveryRecord } from "../../ports/store.js";

const auth = { authorization: `Bearer ${TEST_API_KEY}` };
const T0 = 1_750_000_000_000;

describe("POST /v1/deliveries/replay (bulk replay)", () => {
  let store: KyselyStore;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock(T0 + 3_600_000);
    t = testApp({ store, cdf: emulatedCdf(clock).cdf, clock });
  });
  afterEach(() => store.close());

  /** A delivery already settled as `status` (inserted as such: the forwarding is not the point here). */
  async function settled(
    status: "dead" | "delivered",
    over: Partial<DeliveryRecord> = {},
  ): Promise<DeliveryRecord> {
    const wait = aWait({ source: over.source ?? "gh", expiresAt: T0 + 86_400_000 });
    await store.createWait(wait);
    const d = aDelivery(wait, { status, lastError: "400 bad", ...over });
    expect((await store.acceptCallback({ waitId: wait.id, now: T0 + 1, delivery: d })).kind).toBe("accepted");
    return d;
  }
  const replay = (body: unknown, headers: Record<string, string> = auth) =>
    t.app.request("/v1/deliveries/replay", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("counts on a dry run and changes nothing; then queues the matching ones and records who did it", async () => {
    const a = await settled("dead", { createdAt: T0 + 10 });
    const b = await settled("dead", { createdAt: T0 + 20 });
    const other = await settled("dead", { source: "stripe", createdAt: T0 + 30 });
    const done = await settled("delivered", { createdAt: T0 + 40 });
    const filter = { status: "dead", source: "gh" };
    const dry = await replay({ filter, dryRun: true });
    expect(dry.status).toBe(200);
    expect(await json(dry)).toEqual({ count: 2, more: false, dryRun: true });
    expect((await store.getDelivery(a.id))?.status).toBe("dead");

    const res = await replay({ filter });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ count: 2, more: false, dryRun: false });
    for (const d of [a, b]) {
      expect(await store.getDelivery(d.id)).toMatchObject({
        status: "pending",
        nextAttemptAt: T0 + 3_600_000,
      });
    }
    expect((await store.getDelivery(other.id))?.status).toBe("dead");
    expect((await store.getDelivery(done.id))?.status).toBe("delivered");
    expect(
      t.logger.entries.some(
        (e) => e.msg === "operator action" && e.fields.action === "replay_bulk" && e.fields.by === "tests",
      ),
    ).toBe(true);
    // Each delivery queued has the replay in its own history: who, when, with which filter.
    for (const d of [a, b]) {
      const history = (await store.audit.list({ subject: d.id, limit: 10 })).items;
      expect(history.filter((e) => e.kind === "operator.action")).toEqual([
        expect.objectContaining({
          actor: "operator:tests",
          at: T0 + 3_600_000,
          deliveryId: d.id,
          data: { action: "replay_bulk", status: "dead", source: "gh" },
        }),
      ]);
    }
    const actions = async () =>
      (await store.audit.list({ limit: 20 })).items.filter((e) => e.kind === "operator.action");
    expect(await actions()).toHaveLength(2);
    expect(await json(await replay({ filter }))).toEqual({ count: 0, more: false, dryRun: false });
    // Nothing queued, nothing to record.
    expect(await actions()).toHaveLength(2);
  });

  it("filters on arrival time: since inclusive, until exclusive", async () => {
    await settled("delivered", { createdAt: T0 + 10 });
    const mid = await settled("delivered", { createdAt: T0 + 20 });
    await settled("delivered", { createdAt: T0 + 30 });
    const res = await replay({ filter: { status: "delivered", since: T0 + 15, until: T0 + 30 } });
    expect(await json(res)).toMatchObject({ count: 1 });
    expect((await store.getDelivery(mid.id))?.status).toBe("pending");
  });

  it("queues at most 1,000 per request and says when more remain", async () => {
    for (let i = 0; i < 1001; i++) await settled("dead", { createdAt: T0 + i });
    expect(await json(await replay({ filter: { status: "dead" }, dryRun: true }))).toEqual({
      count: 1000,
      more: true,
      dryRun: true,
    });
    expect(await json(await replay({ filter: { status: "dead" } }))).toEqual({
      count: 1000,
      more: true,
      dryRun: false,
    });
    expect(await json(await replay({ filter: { status: "dead" } }))).toEqual({
      count: 1,
      more: false,
      dryRun: false,
    });
  });

  it("refuses a filter it cannot honour (400) and a caller without a key (401), changing nothing", async () => {
    const d = await settled("dead");
    for (const body of [
      {},
      { filter: {} },
      { filter: { status: "pending" } },
      { filter: { status: "dead", since: "1h" } },
      { filter: { status: "dead", extra: 1 } },
      { filter: { status: "dead" }, dryRun: "yes" },
    ]) {
      const res = await replay(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json(res)).error.code).toBe("invalid_request");
    }
    const anonymous = await replay({ filter: { status: "dead" } }, {});
    expect(anonymous.status).toBe(401);
    expect((await store.getDelivery(d.id))?.status).toBe("dead");
  });
});

describe("GET /v1/deliveries?since=&until=", () => {
  it("lists what arrived in the window, newest first, and refuses a time that is not epoch ms", async () => {
    const store = await openSqliteStore({ path: ":memory:" });
    try {
      const clock = new TestClock(T0);
      const t = testApp({ store, cdf: emulatedCdf(clock).cdf, clock });
      const ids: string[] = [];
      for (const at of [T0 + 10, T0 + 20, T0 + 30]) {
        const wait = aWait();
        await store.createWait(wait);
        const d = aDelivery(wait, { createdAt: at });
        await store.acceptCallback({ waitId: wait.id, now: T0 + 1, delivery: d });
        ids.push(d.id);
      }
      const res = await t.app.request(`/v1/deliveries?since=${T0 + 20}`, { headers: auth });
      expect(res.status).toBe(200);
      expect((await json(res)).items.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
      const until = await t.app.request(`/v1/deliveries?until=${T0 + 20}`, { headers: auth });
      expect((await json(until)).items.map((d: { id: string }) => d.id)).toEqual([ids[0]]);
      expect((await t.app.request("/v1/deliveries?since=yesterday", { headers: auth })).status).toBe(400);
    } finally {
      await store.close();
    }
  });
});
