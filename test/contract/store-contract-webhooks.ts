import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import type { DeliveryRecord } from "../../src/ports/store-records.js";
import { aDelivery, aWait, T0 } from "./store-fixtures.js";

/** The store contract for webhooks: matched, parked, ignored, deduplicated, released. */
export function describeWebhooksContract(current: () => Store): void {
  describe("webhooks", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

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
        contentHash: "h",
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
      expect(await store.releaseParked({ ...release, deliveryId: p2.id, wait: later, now: T0 + 1001 })).toBe(
        false,
      );
      expect((await store.getWait(later.id))?.status).toBe("open");
      expect((await store.listDeliveries({ limit: 10, source: "gh", status: "expired" })).items).toHaveLength(
        2,
      );
    });
  });
}
