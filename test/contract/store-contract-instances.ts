import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { aMail, anApproval } from "./approval-store-fixtures.js";
import { accepted, anAttempt, aWait, T0 } from "./store-fixtures.js";

/** The store contract for heartbeats: a dead instance's leases are taken over, fenced. */
export function describeInstancesContract(current: () => Store): void {
  describe("instances", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("tells a first beat (or a beat after being declared dead) from a steady one", async () => {
      expect(await store.instances.beat("a", T0)).toBe(false);
      expect(await store.instances.beat("a", T0 + 2_000)).toBe(true);
      expect(await store.instances.takeOverStale(T0 + 2_001, T0 + 10_000)).toMatchObject({ instances: 1 });
      expect(await store.instances.beat("a", T0 + 12_000)).toBe(false);
      expect(await store.instances.beat("a", T0 + 14_000)).toBe(true);
    });

    it("releases the leases of an instance whose beat stopped, and only those", async () => {
      await store.instances.beat("dead", T0);
      await store.instances.beat("alive", T0);
      await store.instances.beat("alive", T0 + 9_000);
      const lease = { leaseUntil: T0 + 60_000, claims: 1 };
      const ofDead = await accepted(store, aWait(), { ...lease, leaseOwner: "dead/1" });
      const ofAlive = await accepted(store, aWait(), { ...lease, leaseOwner: "alive/1" });
      // A prefix that is not the instance's (`dead` + `x/`) is someone else's lease.
      const lookalike = await accepted(store, aWait(), { ...lease, leaseOwner: "deadx/1" });
      const a = anApproval();
      const mail = aMail(a, 0, { nextAttemptAt: T0, leaseOwner: "dead/mail", leaseUntil: T0 + 60_000 });
      await store.approvals.createApproval(a, [mail]);

      // Before anything is stale, nothing moves.
      expect(await store.instances.takeOverStale(T0, T0 + 5_000)).toEqual({
        instances: 0,
        deliveries: 0,
        mails: 0,
      });
      expect(await store.claimDue(T0 + 5_000, "alive/2", 60_000, 10)).toEqual([]);

      expect(await store.instances.takeOverStale(T0 + 1, T0 + 10_000)).toEqual({
        instances: 1,
        deliveries: 1,
        mails: 1,
      });
      // The dead instance's delivery is due now, long before its lease would have run out.
      const claimed = await store.claimDue(T0 + 10_000, "alive/3", 60_000, 10);
      expect(claimed.map((d) => d.id)).toEqual([ofDead.id]);
      expect((await store.getDelivery(ofAlive.id))?.leaseOwner).toBe("alive/1");
      expect((await store.getDelivery(lookalike.id))?.leaseOwner).toBe("deadx/1");
      const [m] = await store.approvals.claimMails(T0 + 10_000, "alive/m", 60_000, 10);
      expect(m?.id).toBe(mail.id);

      // Fencing: the dead instance, paused and not dead after all, can no longer write.
      expect(
        await store.recordAttempt(ofDead.id, "dead/1", T0 + 11_000, {
          kind: "delivered",
          attempt: anAttempt(ofDead),
        }),
      ).toBe(false);
      expect(
        await store.approvals.recordMail(mail.id, "dead/mail", T0 + 11_000, { kind: "sent", messageId: "x" }),
      ).toBe(false);
      expect(
        await store.recordAttempt(ofDead.id, "alive/3", T0 + 11_000, {
          kind: "delivered",
          attempt: anAttempt(ofDead),
        }),
      ).toBe(true);
      // Done once: a second takeover finds nothing.
      expect(await store.instances.takeOverStale(T0 + 1, T0 + 12_000)).toEqual({
        instances: 0,
        deliveries: 0,
        mails: 0,
      });
    });

    it("leaves finished deliveries alone and forgets an instance that leaves", async () => {
      await store.instances.beat("gone", T0);
      const d = await accepted(store, aWait(), { leaseOwner: "gone/1", leaseUntil: T0 + 60_000 });
      expect(
        await store.recordAttempt(d.id, "gone/1", T0 + 20, { kind: "delivered", attempt: anAttempt(d) }),
      ).toBe(true);
      await store.instances.leave("gone");
      expect(await store.instances.takeOverStale(T0 + 100_000, T0 + 100_000)).toEqual({
        instances: 0,
        deliveries: 0,
        mails: 0,
      });
      expect((await store.getDelivery(d.id))?.status).toBe("delivered");
      expect(await store.instances.beat("gone", T0 + 100_000)).toBe(false);
    });
  });
}
