import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { accepted, aDelivery, aWait, T0 } from "./store-fixtures.js";

/** The store contract for accepting a callback: one atomic close-and-insert. */
export function describeIntakeContract(current: () => Store): void {
  describe("accepting a callback", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

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
        closedWithHash: "hash-a",
      });
    });

    it("tells a duplicate (same result) from a conflicting result, and stores neither", async () => {
      const wait = aWait();
      await accepted(store, wait);
      const dup = aDelivery(wait);
      expect((await store.acceptCallback({ waitId: wait.id, now: T0 + 20, delivery: dup })).kind).toBe(
        "duplicate",
      );
      const other = aDelivery(wait, { contentHash: "hash-b" });
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
            delivery: aDelivery(wait, { contentHash: `h${i % 2}` }),
          }),
        ),
      );
      expect(results.filter((r) => r.kind === "accepted")).toHaveLength(1);
      expect((await store.listDeliveries({ limit: 50 })).items).toHaveLength(1);
    });
  });
}
