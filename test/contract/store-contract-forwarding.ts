import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import type { DeliveryRecord } from "../../src/ports/store-records.js";
import { accepted, anAttempt, aWait, T0 } from "./store-fixtures.js";

/** The store contract for forwarding: claims under a lease, attempts, replays. */
export function describeForwardingContract(current: () => Store): void {
  describe("forwarding", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("claims due, unleased deliveries only, oldest first, up to the limit", async () => {
      const d1 = await accepted(store, aWait(), { nextAttemptAt: T0 + 2 });
      const d2 = await accepted(store, aWait(), { nextAttemptAt: T0 + 1 });
      await accepted(store, aWait(), { nextAttemptAt: T0 + 1_000 }); // not due
      await accepted(store, aWait(), { leaseOwner: "other", leaseUntil: T0 + 500 }); // leased
      const claimed = await store.claimDue(T0 + 10, "me", 30_000, 10);
      expect(claimed.map((d) => d.id)).toEqual([d2.id, d1.id]);
      expect(claimed[0]).toMatchObject({ leaseOwner: "me", leaseUntil: T0 + 10 + 30_000, claims: 1 });
      expect(await store.claimDue(T0 + 10, "me", 30_000, 10)).toEqual([]);
      expect(await store.claimDue(T0 + 10, "me", 30_000, 0)).toEqual([]);
    });

    it("reports when the next delivery can be claimed, counting leases", async () => {
      expect(await store.nextDueAt()).toBeUndefined();
      await accepted(store, aWait(), { nextAttemptAt: T0 + 100, leaseOwner: "x", leaseUntil: T0 + 900 });
      expect(await store.nextDueAt()).toBe(T0 + 900);
      await accepted(store, aWait(), { nextAttemptAt: T0 + 300 });
      expect(await store.nextDueAt()).toBe(T0 + 300);
    });

    it("hands an expired lease to another worker (crash recovery)", async () => {
      const d = await accepted(store, aWait(), { leaseOwner: "crashed", leaseUntil: T0 + 500, claims: 1 });
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
      for (let i = 0; i < 30; i++) await accepted(store, aWait());
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.claimDue(T0 + 10, `w${i}`, 30_000, 10)),
      );
      const ids = claims.flat().map((d) => d.id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
    });

    it("records a delivered attempt and releases the lease", async () => {
      const d = await accepted(store, aWait());
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
      const d = await accepted(store, aWait());
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
      const d = await accepted(store, aWait());
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
      for (let i = 0; i < 5; i++) ds.push(await accepted(store, aWait()));
      const first = await store.listDeliveries({ limit: 2 });
      expect(first.items.map((d) => d.id)).toEqual([ds[4]!.id, ds[3]!.id]);
      const second = await store.listDeliveries({ limit: 10, cursor: first.nextCursor! });
      expect(second.items.map((d) => d.id)).toEqual([ds[2]!.id, ds[1]!.id, ds[0]!.id]);
      expect(second.nextCursor).toBeNull();
      expect((await store.listDeliveries({ limit: 10, waitId: ds[1]!.waitId! })).items).toHaveLength(1);
    });
  });
}
