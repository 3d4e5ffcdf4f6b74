import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { aDelivery, anAttempt, aWait, newId, T0 } from "../../../test/contract/store-fixtures.js";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { Store } from "../../ports/store.js";
import { openPostgresStore } from "./postgres.js";

/**
 * The round trips of PostgreSQL's hot steps, counted at the driver: a callback's accept and a
 * forward's record are one named statement each (no BEGIN, no COMMIT), and their parts land
 * together or not at all. The contract suite checks the same behaviour on every dialect; this
 * checks what only PostgreSQL promises.
 */
const url = process.env.TASKGATE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

type Sent = { text: string; name: string | undefined };

describe("PostgreSQL hot steps", () => {
  const schema = `tg_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  let store: Store | undefined;
  const sent: Sent[] = [];

  beforeAll(async () => {
    try {
      store = await openPostgresStore({ url, schema, poolSize: 2 });
    } catch (e) {
      if (process.env.CI || process.env.TASKGATE_TEST_PG) throw e;
      return; // No PostgreSQL here: the store contract says so; these checks are skipped.
    }
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text: string; name?: string };
      sent.push(
        typeof first === "string" ? { text: first, name: undefined } : { text: first.text, name: first.name },
      );
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    if (!store) return;
    await store.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });
  beforeEach(() => {
    sent.length = 0;
  });

  const entry = (over: Partial<AuditDraft>): AuditDraft => ({
    id: newId(),
    kind: "callback.received",
    at: T0,
    actor: "callback",
    waitId: null,
    deliveryId: null,
    approvalId: null,
    data: { n: 1 },
    ...over,
  });
  const entriesOf = async (s: Store, subject: string) =>
    (await s.audit.list({ subject, limit: 10 })).items.map((e) => e.kind);

  it("accepts a callback in one named statement: wait closed, delivery and audit entry stored", async (ctx) => {
    if (!store) return ctx.skip();
    const wait = aWait();
    await store.createWait(wait);
    const delivery = aDelivery(wait);
    sent.length = 0;
    const audit = [entry({ waitId: wait.id, deliveryId: delivery.id })];
    const result = await store.acceptCallback({ waitId: wait.id, now: T0 + 1, delivery, audit });

    expect(result).toEqual({ kind: "accepted", delivery });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.name).toMatch(/^taskgate_/);
    expect(sent[0]!.text).toMatch(/^with closed as \(update "waits"/);
    expect((await store.getWait(wait.id))?.status).toBe("closed");
    expect((await store.getDelivery(delivery.id))?.status).toBe("pending");
    expect(await entriesOf(store, delivery.id)).toEqual(["callback.received"]);
  });

  it("a refused accept stores neither delivery nor audit entry, and says why", async (ctx) => {
    if (!store) return ctx.skip();
    const wait = aWait();
    await store.createWait(wait);
    const first = aDelivery(wait);
    await store.acceptCallback({ waitId: wait.id, now: T0 + 1, delivery: first });

    const second = aDelivery(wait, { contentHash: "hash-b" });
    const audit = [entry({ waitId: wait.id, deliveryId: second.id })];
    const result = await store.acceptCallback({ waitId: wait.id, now: T0 + 2, delivery: second, audit });
    expect(result.kind).toBe("closed");
    expect(await store.getDelivery(second.id)).toBeUndefined();
    expect(await entriesOf(store, second.id)).toEqual([]);

    const expired = aWait({ expiresAt: T0 + 5 });
    await store.createWait(expired);
    const late = aDelivery(expired);
    const lateAudit = [entry({ waitId: expired.id, deliveryId: late.id })];
    const lateResult = await store.acceptCallback({
      waitId: expired.id,
      now: T0 + 5,
      delivery: late,
      audit: lateAudit,
    });
    expect(lateResult.kind).toBe("closed");
    expect(await store.getDelivery(late.id)).toBeUndefined();
    expect(await entriesOf(store, expired.id)).toEqual([]);
  });

  it("records an attempt in one named statement, and only while the lease is the recorder's", async (ctx) => {
    if (!store) return ctx.skip();
    const wait = aWait();
    await store.createWait(wait);
    const delivery = aDelivery(wait, { leaseOwner: "me", leaseUntil: T0 + 30_000, claims: 1 });
    await store.acceptCallback({ waitId: wait.id, now: T0 + 1, delivery });
    const attempt = anAttempt(delivery);
    const audit = (kind: AuditDraft["kind"]) => [
      entry({ kind, deliveryId: delivery.id, actor: "forwarder" }),
    ];

    sent.length = 0;
    const stale = await store.recordAttempt(
      delivery.id,
      "someone else",
      T0 + 10,
      { kind: "delivered", attempt },
      audit("delivery.delivered"),
    );
    expect(stale).toBe(false);
    expect(sent).toHaveLength(1);
    expect(await store.listAttempts(delivery.id)).toEqual([]);
    expect(await entriesOf(store, delivery.id)).toEqual([]);

    sent.length = 0;
    const mine = await store.recordAttempt(
      delivery.id,
      "me",
      T0 + 10,
      { kind: "delivered", attempt },
      audit("delivery.delivered"),
    );
    expect(mine).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.name).toMatch(/^taskgate_/);
    expect(await store.listAttempts(delivery.id)).toEqual([attempt]);
    expect((await store.getDelivery(delivery.id))?.status).toBe("delivered");
    expect(await entriesOf(store, delivery.id)).toEqual(["delivery.delivered"]);

    // Recorded once: the same attempt again finds no lease and writes nothing.
    expect(await store.recordAttempt(delivery.id, "me", T0 + 11, { kind: "delivered", attempt })).toBe(false);
    expect(await store.listAttempts(delivery.id)).toHaveLength(1);
  });

  it("records a retry with its next attempt, leaving the delivery pending and claimable then", async (ctx) => {
    if (!store) return ctx.skip();
    const wait = aWait();
    await store.createWait(wait);
    const delivery = aDelivery(wait, { leaseOwner: "me", leaseUntil: T0 + 30_000, claims: 1 });
    await store.acceptCallback({ waitId: wait.id, now: T0 + 1, delivery });
    const attempt = { ...anAttempt(delivery), outcome: "retry" as const, httpStatus: 503 };
    expect(
      await store.recordAttempt(delivery.id, "me", T0 + 10, {
        kind: "retry",
        attempt,
        nextAttemptAt: T0 + 500,
      }),
    ).toBe(true);
    const after = await store.getDelivery(delivery.id);
    expect(after).toMatchObject({
      status: "pending",
      attempts: 1,
      leaseOwner: null,
      nextAttemptAt: T0 + 500,
    });
    const claimed = async (now: number) => (await store!.claimDue(now, "next", 1_000, 100)).map((d) => d.id);
    expect(await claimed(T0 + 499)).not.toContain(delivery.id);
    expect(await claimed(T0 + 500)).toContain(delivery.id);
  });
});
