import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uuid7 } from "../adapters/runtime/uuid7-ids.js";
import type { AttemptRecord, DeliveryRecord, Store, WaitRecord } from "../ports/store.js";
import { describeApprovalStoreContract } from "./approval-store-contract.js";

/**
 * The one contract every Store must meet, run against each dialect and runtime (SQLite on disk,
 * PostgreSQL, D1 inside workerd). A store that passes can replace any other.
 */
export interface StoreHarness {
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = 1_750_000_000_000;
let seq = 0;
const newId = (at = T0) => uuid7(at + seq++, crypto.getRandomValues(new Uint8Array(10)));

export function aWait(over: Partial<WaitRecord> = {}): WaitRecord {
  return {
    id: newId(),
    taskId: crypto.randomUUID(),
    executionId: null,
    taskExternalId: null,
    source: null,
    correlationKey: null,
    status: "open",
    output: null,
    metadata: null,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    closedAt: null,
    deliveryId: null,
    resultHash: null,
    ...over,
  };
}

export function aDelivery(wait: WaitRecord, over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: newId(),
    waitId: wait.id,
    taskId: wait.taskId,
    executionId: wait.executionId,
    source: wait.source,
    correlationKey: null,
    dedupeKey: null,
    parkUntil: null,
    reason: null,
    status: "pending",
    update: { status: "COMPLETED", output: { ok: true, nested: { n: 1 } } },
    resultHash: "hash-a",
    attempts: 0,
    claims: 0,
    nextAttemptAt: T0,
    deliverUntil: T0 + 3_600_000,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: T0,
    updatedAt: T0,
    deliveredAt: null,
    ...over,
  };
}

const anAttempt = (d: DeliveryRecord, over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  deliveryId: d.id,
  attempt: d.attempts + 1,
  startedAt: T0 + 1,
  finishedAt: T0 + 2,
  outcome: "delivered",
  httpStatus: 200,
  requestId: "req-1",
  error: null,
  ...over,
});

export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describeApprovalStoreContract(name, open);
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    async function accepted(wait: WaitRecord, over: Partial<DeliveryRecord> = {}): Promise<DeliveryRecord> {
      await store.createWait(wait);
      const delivery = aDelivery(wait, over);
      const r = await store.acceptCallback({ waitId: wait.id, now: T0 + 10, delivery });
      expect(r.kind).toBe("accepted");
      return delivery;
    }

    describe("waits", () => {
      it("stores and reads back every field", async () => {
        const wait = aWait({
          executionId: crypto.randomUUID(),
          taskExternalId: "await-approval",
          source: "github",
          correlationKey: "run-42",
          output: { template: { a: [1, 2] } },
          metadata: { team: "ops" },
        });
        expect(await store.createWait(wait)).toBe(true);
        expect(await store.getWait(wait.id)).toEqual(wait);
        expect(await store.getWait("nope")).toBeUndefined();
      });

      it("refuses a second open wait for the same source and correlation key", async () => {
        const first = aWait({ source: "s", correlationKey: "k" });
        expect(await store.createWait(first)).toBe(true);
        expect(await store.createWait(aWait({ source: "s", correlationKey: "k" }))).toBe(false);
        expect(await store.createWait(aWait({ source: "other", correlationKey: "k" }))).toBe(true);
        expect(await store.createWait(aWait({ source: "s", correlationKey: "k2" }))).toBe(true);
        // Waits without a correlation key never conflict.
        expect(await store.createWait(aWait())).toBe(true);
        expect(await store.createWait(aWait())).toBe(true);
        await store.cancelWait(first.id, T0 + 1);
        expect(await store.createWait(aWait({ source: "s", correlationKey: "k" }))).toBe(true);
      });

      it("lets an expired (unswept) wait give way to a new one, and marks it expired", async () => {
        const old = aWait({ source: "s", correlationKey: "k", expiresAt: T0 + 100 });
        await store.createWait(old);
        expect(await store.createWait(aWait({ source: "s", correlationKey: "k", createdAt: T0 + 99 }))).toBe(
          false,
        );
        expect(await store.createWait(aWait({ source: "s", correlationKey: "k", createdAt: T0 + 100 }))).toBe(
          true,
        );
        expect((await store.getWait(old.id))?.status).toBe("expired");
      });

      it("cancels only open waits", async () => {
        const wait = aWait();
        await store.createWait(wait);
        expect((await store.cancelWait(wait.id, T0 + 5))?.status).toBe("cancelled");
        expect((await store.getWait(wait.id))?.closedAt).toBe(T0 + 5);
        const closed = aWait();
        await accepted(closed);
        expect((await store.cancelWait(closed.id, T0 + 5))?.status).toBe("closed");
        expect(await store.cancelWait("unknown", T0)).toBeUndefined();
      });

      it("expires open waits past their expiry, and nothing else", async () => {
        const due = aWait({ expiresAt: T0 + 10 });
        const later = aWait({ expiresAt: T0 + 1000 });
        const closed = aWait({ expiresAt: T0 + 11 });
        await store.createWait(due);
        await store.createWait(later);
        await accepted(closed);
        expect(await store.expireWaits(T0 + 11)).toBe(1);
        expect((await store.getWait(due.id))?.status).toBe("expired");
        expect((await store.getWait(later.id))?.status).toBe("open");
        expect((await store.getWait(closed.id))?.status).toBe("closed");
        expect(await store.expireWaits(T0 + 11)).toBe(0);
      });

      it("lists newest first with filters and a cursor that neither skips nor repeats", async () => {
        const made: WaitRecord[] = [];
        for (let i = 0; i < 7; i++) {
          const w = aWait({ source: i % 2 ? "a" : "b", correlationKey: `k${i}` });
          await store.createWait(w);
          made.push(w);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const p = await store.listWaits({ limit: 3, ...(cursor ? { cursor } : {}) });
          expect(p.items.length).toBeLessThanOrEqual(3);
          seen.push(...p.items.map((w) => w.id));
          cursor = p.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(made.map((w) => w.id).reverse());
        const onlyA = await store.listWaits({ limit: 10, source: "a" });
        expect(onlyA.items.map((w) => w.correlationKey)).toEqual(["k5", "k3", "k1"]);
        expect(onlyA.nextCursor).toBeNull();
        await store.cancelWait(made[0]!.id, T0);
        expect((await store.listWaits({ limit: 10, status: "cancelled" })).items.map((w) => w.id)).toEqual([
          made[0]!.id,
        ]);
        expect((await store.listWaits({ limit: 10, taskId: made[2]!.taskId })).items).toHaveLength(1);
      });
    });

    describe("accepting a callback", () => {
      it("closes the wait and stores the delivery in one step", async () => {
        const wait = aWait();
        await store.createWait(wait);
        const delivery = aDelivery(wait, { leaseOwner: "me", leaseUntil: T0 + 30_000 });
        expect(await store.acceptCallback({ waitId: wait.id, now: T0 + 10, delivery })).toEqual({
          kind: "accepted",
          delivery,
        });
        expect(await store.getDelivery(delivery.id)).toEqual(delivery);
        expect(await store.getWait(wait.id)).toMatchObject({
          status: "closed",
          closedAt: T0 + 10,
          deliveryId: delivery.id,
          resultHash: "hash-a",
        });
      });

      it("tells a duplicate (same result) from a conflicting result, and stores neither", async () => {
        const wait = aWait();
        await accepted(wait);
        const dup = aDelivery(wait);
        expect((await store.acceptCallback({ waitId: wait.id, now: T0 + 20, delivery: dup })).kind).toBe(
          "duplicate",
        );
        const other = aDelivery(wait, { resultHash: "hash-b" });
        expect((await store.acceptCallback({ waitId: wait.id, now: T0 + 20, delivery: other })).kind).toBe(
          "closed",
        );
        expect(await store.getDelivery(dup.id)).toBeUndefined();
        expect(await store.getDelivery(other.id)).toBeUndefined();
        expect((await store.listDeliveries({ limit: 10 })).items).toHaveLength(1);
      });

      it("refuses expired, cancelled and unknown waits without storing anything", async () => {
        const expired = aWait({ expiresAt: T0 + 10 });
        await store.createWait(expired);
        const r = await store.acceptCallback({
          waitId: expired.id,
          now: T0 + 10,
          delivery: aDelivery(expired),
        });
        expect(r).toMatchObject({ kind: "closed", wait: { status: "expired" } });
        const cancelled = aWait();
        await store.createWait(cancelled);
        await store.cancelWait(cancelled.id, T0);
        expect(
          await store.acceptCallback({ waitId: cancelled.id, now: T0 + 1, delivery: aDelivery(cancelled) }),
        ).toMatchObject({ kind: "closed", wait: { status: "cancelled" } });
        expect(
          await store.acceptCallback({ waitId: "unknown", now: T0, delivery: aDelivery(aWait()) }),
        ).toEqual({
          kind: "not_found",
        });
        expect((await store.listDeliveries({ limit: 10 })).items).toHaveLength(0);
      });

      it("lets exactly one of many concurrent callbacks win", async () => {
        const wait = aWait();
        await store.createWait(wait);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.acceptCallback({
              waitId: wait.id,
              now: T0 + 10,
              delivery: aDelivery(wait, { resultHash: `h${i % 2}` }),
            }),
          ),
        );
        expect(results.filter((r) => r.kind === "accepted")).toHaveLength(1);
        expect((await store.listDeliveries({ limit: 50 })).items).toHaveLength(1);
      });
    });

    describe("forwarding", () => {
      it("claims due, unleased deliveries only, oldest first, up to the limit", async () => {
        const d1 = await accepted(aWait(), { nextAttemptAt: T0 + 2 });
        const d2 = await accepted(aWait(), { nextAttemptAt: T0 + 1 });
        await accepted(aWait(), { nextAttemptAt: T0 + 1_000 }); // not due
        await accepted(aWait(), { leaseOwner: "other", leaseUntil: T0 + 500 }); // leased
        const claimed = await store.claimDue(T0 + 10, "me", 30_000, 10);
        expect(claimed.map((d) => d.id)).toEqual([d2.id, d1.id]);
        expect(claimed[0]).toMatchObject({ leaseOwner: "me", leaseUntil: T0 + 10 + 30_000, claims: 1 });
        expect(await store.claimDue(T0 + 10, "me", 30_000, 10)).toEqual([]);
        expect(await store.claimDue(T0 + 10, "me", 30_000, 0)).toEqual([]);
      });

      it("reports when the next delivery can be claimed, counting leases", async () => {
        expect(await store.nextDueAt()).toBeUndefined();
        await accepted(aWait(), { nextAttemptAt: T0 + 100, leaseOwner: "x", leaseUntil: T0 + 900 });
        expect(await store.nextDueAt()).toBe(T0 + 900);
        await accepted(aWait(), { nextAttemptAt: T0 + 300 });
        expect(await store.nextDueAt()).toBe(T0 + 300);
      });

      it("hands an expired lease to another worker (crash recovery)", async () => {
        const d = await accepted(aWait(), { leaseOwner: "crashed", leaseUntil: T0 + 500, claims: 1 });
        expect(await store.claimDue(T0 + 499, "me", 1000, 10)).toEqual([]);
        const [claimed] = await store.claimDue(T0 + 500, "me", 1000, 10);
        expect(claimed?.id).toBe(d.id);
        expect(claimed?.leaseOwner).toBe("me");
        // Two leases, no attempt recorded: the forwarder can tell a worker died mid-attempt.
        expect(claimed).toMatchObject({ claims: 2, attempts: 0 });
        // The crashed worker, back to life, can no longer write.
        expect(
          await store.recordAttempt(d.id, "crashed", T0 + 600, { kind: "delivered", attempt: anAttempt(d) }),
        ).toBe(false);
        expect(await store.listAttempts(d.id)).toEqual([]);
      });

      it("never gives one delivery to two concurrent claimers", async () => {
        for (let i = 0; i < 30; i++) await accepted(aWait());
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.claimDue(T0 + 10, `w${i}`, 30_000, 10)),
        );
        const ids = claims.flat().map((d) => d.id);
        expect(ids).toHaveLength(30);
        expect(new Set(ids).size).toBe(30);
      });

      it("records a delivered attempt and releases the lease", async () => {
        const d = await accepted(aWait());
        const [c] = await store.claimDue(T0 + 10, "me", 30_000, 1);
        const attempt = anAttempt(c!);
        expect(await store.recordAttempt(d.id, "me", T0 + 20, { kind: "delivered", attempt })).toBe(true);
        expect(await store.getDelivery(d.id)).toMatchObject({
          status: "delivered",
          attempts: 1,
          deliveredAt: T0 + 20,
          leaseOwner: null,
          leaseUntil: null,
          lastStatus: 200,
          lastRequestId: "req-1",
        });
        expect(await store.listAttempts(d.id)).toEqual([attempt]);
        expect(await store.claimDue(T0 + 10_000_000, "me", 30_000, 10)).toEqual([]);
        expect(await store.recordAttempt(d.id, "me", T0 + 30, { kind: "delivered", attempt })).toBe(false);
      });

      it("reschedules a retry and keeps the attempt history", async () => {
        const d = await accepted(aWait());
        let [c] = await store.claimDue(T0 + 10, "me", 30_000, 1);
        const retry = anAttempt(c!, { outcome: "retry", httpStatus: 503, error: "Service Unavailable" });
        expect(
          await store.recordAttempt(d.id, "me", T0 + 20, {
            kind: "retry",
            attempt: retry,
            nextAttemptAt: T0 + 5000,
          }),
        ).toBe(true);
        expect(await store.nextDueAt()).toBe(T0 + 5000);
        expect(await store.claimDue(T0 + 4999, "me", 30_000, 1)).toEqual([]);
        [c] = await store.claimDue(T0 + 5000, "me", 30_000, 1);
        expect(c).toMatchObject({ attempts: 1, lastStatus: 503, lastError: "Service Unavailable" });
        const dead = anAttempt(c!, {
          outcome: "dead",
          httpStatus: 400,
          error: "not IN_PROGRESS",
          requestId: "r2",
        });
        expect(await store.recordAttempt(d.id, "me", T0 + 5001, { kind: "dead", attempt: dead })).toBe(true);
        expect(await store.getDelivery(d.id)).toMatchObject({
          status: "dead",
          attempts: 2,
          lastRequestId: "r2",
        });
        expect((await store.listAttempts(d.id)).map((a) => a.outcome)).toEqual(["retry", "dead"]);
        expect(await store.nextDueAt()).toBeUndefined();
        expect((await store.listDeliveries({ limit: 10, status: "dead" })).items.map((x) => x.id)).toEqual([
          d.id,
        ]);
      });

      it("replays dead and delivered deliveries, and nothing else", async () => {
        const d = await accepted(aWait());
        expect(await store.replayDelivery(d.id, T0 + 50, T0 + 9_000)).toBe(false);
        const [c] = await store.claimDue(T0 + 10, "me", 30_000, 1);
        await store.recordAttempt(d.id, "me", T0 + 20, {
          kind: "dead",
          attempt: anAttempt(c!, { outcome: "dead" }),
        });
        const replayed = await store.replayDelivery(d.id, T0 + 50, T0 + 9_000);
        expect(replayed).toMatchObject({
          status: "pending",
          nextAttemptAt: T0 + 50,
          deliverUntil: T0 + 9_000,
          attempts: 1,
        });
        expect((await store.claimDue(T0 + 50, "me", 30_000, 5)).map((x) => x.id)).toEqual([d.id]);
        expect(await store.replayDelivery("unknown", T0, T0)).toBeUndefined();
      });

      it("lists deliveries newest first with a cursor and a wait filter", async () => {
        const ds: DeliveryRecord[] = [];
        for (let i = 0; i < 5; i++) ds.push(await accepted(aWait()));
        const first = await store.listDeliveries({ limit: 2 });
        expect(first.items.map((d) => d.id)).toEqual([ds[4]!.id, ds[3]!.id]);
        const second = await store.listDeliveries({ limit: 10, cursor: first.nextCursor! });
        expect(second.items.map((d) => d.id)).toEqual([ds[2]!.id, ds[1]!.id, ds[0]!.id]);
        expect(second.nextCursor).toBeNull();
        expect((await store.listDeliveries({ limit: 10, waitId: ds[1]!.waitId! })).items).toHaveLength(1);
      });
    });

    describe("webhooks", () => {
      const hook = (over: Partial<DeliveryRecord> = {}) =>
        aDelivery(aWait(), { waitId: null, taskId: null, source: "gh", correlationKey: "k1", ...over });

      it("stores a matched webhook by closing its wait, like a callback", async () => {
        const wait = aWait({ source: "gh", correlationKey: "k1" });
        await store.createWait(wait);
        expect((await store.findOpenWait("gh", "k1", T0 + 5))?.id).toBe(wait.id);
        const d = aDelivery(wait, { correlationKey: "k1", dedupeKey: "m-1" });
        expect(await store.receiveWebhook({ delivery: d, waitId: wait.id, now: T0 + 5 })).toEqual({
          kind: "stored",
          delivery: d,
        });
        expect(await store.getWait(wait.id)).toMatchObject({ status: "closed", deliveryId: d.id });
        expect(await store.findOpenWait("gh", "k1", T0 + 5)).toBeUndefined();
      });

      it("answers the first delivery for a seen (source, dedupe key), storing nothing new", async () => {
        const first = hook({ status: "ignored", dedupeKey: "m-1", reason: "not for us" });
        expect((await store.receiveWebhook({ delivery: first, waitId: null, now: T0 })).kind).toBe("stored");
        const again = hook({ status: "ignored", dedupeKey: "m-1" });
        expect(await store.receiveWebhook({ delivery: again, waitId: null, now: T0 })).toEqual({
          kind: "duplicate",
          delivery: first,
        });
        // The same message id from another source is another message.
        expect(
          (
            await store.receiveWebhook({
              delivery: hook({ source: "x", dedupeKey: "m-1" }),
              waitId: null,
              now: T0,
            })
          ).kind,
        ).toBe("stored");
        // A duplicate never closes a wait.
        const wait = aWait({ source: "gh", correlationKey: "k1" });
        await store.createWait(wait);
        const dup = aDelivery(wait, { source: "gh", dedupeKey: "m-1" });
        expect((await store.receiveWebhook({ delivery: dup, waitId: wait.id, now: T0 + 1 })).kind).toBe(
          "duplicate",
        );
        expect((await store.getWait(wait.id))?.status).toBe("open");
      });

      it("says wait_gone when the matched wait closed meanwhile, storing nothing", async () => {
        const wait = aWait({ source: "gh", correlationKey: "k1" });
        await store.createWait(wait);
        await store.cancelWait(wait.id, T0 + 1);
        const d = aDelivery(wait, { source: "gh", dedupeKey: "m-2" });
        expect(await store.receiveWebhook({ delivery: d, waitId: wait.id, now: T0 + 2 })).toEqual({
          kind: "wait_gone",
        });
        expect(await store.getDelivery(d.id)).toBeUndefined();
      });

      it("parks, finds the oldest parked, releases it to a new wait once, and expires the rest", async () => {
        const p1 = hook({ status: "parked", parkUntil: T0 + 1000, dedupeKey: "a" });
        const p2 = hook({ status: "parked", parkUntil: T0 + 1000, dedupeKey: "b" });
        const old = hook({ status: "parked", parkUntil: T0 + 10, correlationKey: "k2" });
        for (const d of [p1, p2, old]) await store.receiveWebhook({ delivery: d, waitId: null, now: T0 });
        expect((await store.findParked("gh", "k1", T0 + 5))?.id).toBe(p1.id);
        expect(await store.findParked("gh", "k2", T0 + 10)).toBeUndefined(); // past parkUntil

        const wait = aWait({ source: "gh", correlationKey: "k1" });
        await store.createWait(wait);
        const update = { status: "COMPLETED" as const, output: { merged: true } };
        const release = {
          deliveryId: p1.id,
          wait,
          update,
          resultHash: "h",
          deliverUntil: T0 + 9000,
          now: T0 + 20,
        };
        expect(await store.releaseParked(release)).toBe(true);
        expect(await store.getDelivery(p1.id)).toMatchObject({
          status: "pending",
          waitId: wait.id,
          taskId: wait.taskId,
          update,
          nextAttemptAt: T0 + 20,
        });
        expect(await store.getWait(wait.id)).toMatchObject({ status: "closed", deliveryId: p1.id });
        expect(await store.releaseParked(release)).toBe(false);
        expect((await store.claimDue(T0 + 20, "me", 1000, 10)).map((d) => d.id)).toEqual([p1.id]);

        // A second wait for the same key cannot take an expired parked delivery.
        expect(await store.expireParked(T0 + 1000)).toBe(2);
        expect((await store.getDelivery(p2.id))?.status).toBe("expired");
        const later = aWait({ source: "gh", correlationKey: "k1", createdAt: T0 + 1000 });
        await store.createWait(later);
        expect(
          await store.releaseParked({ ...release, deliveryId: p2.id, wait: later, now: T0 + 1001 }),
        ).toBe(false);
        expect((await store.getWait(later.id))?.status).toBe("open");
        expect(
          (await store.listDeliveries({ limit: 10, source: "gh", status: "expired" })).items,
        ).toHaveLength(2);
      });
    });

    it("answers ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
