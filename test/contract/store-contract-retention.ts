import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import type { DeliveryRecord, WaitRecord } from "../../src/ports/store-records.js";
import { T0 as AT0, aDecision, aMail, anApproval, outcomeDelivery } from "./approval-store-fixtures.js";
import { accepted, aDelivery, anAttempt, aWait, T0 } from "./store-fixtures.js";

const DAY = 86_400_000;

/** The store contract for retention (DESIGN §5): what each kind deletes, and what it never does. */
export function describeRetentionContract(current: () => Store): void {
  describe("retention", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    /** A callback accepted for a fresh wait and forwarded with `outcome` at `at`. */
    async function settled(outcome: "delivered" | "dead", at: number, over: Partial<WaitRecord> = {}) {
      const wait = aWait(over);
      const d = await accepted(store, wait);
      const [claimed] = await store.claimDue(T0 + 20, "w", 60_000, 1);
      expect(claimed?.id).toBe(d.id);
      const attempt = anAttempt(d, { outcome, httpStatus: outcome === "dead" ? 400 : 200 });
      expect(await store.recordAttempt(d.id, "w", at, { kind: outcome, attempt })).toBe(true);
      return { wait, delivery: d };
    }
    const hook = (over: Partial<DeliveryRecord>) =>
      aDelivery(aWait(), { waitId: null, taskId: null, source: "gh", correlationKey: "k", ...over });
    const ignored = async (at: number, dedupeKey: string) => {
      const d = hook({ status: "ignored", dedupeKey, createdAt: at, updatedAt: at });
      await store.receiveWebhook({ delivery: d, waitId: null, now: at });
      return d;
    };

    it("deletes settled deliveries older than the cutoff with their attempts, and no newer ones", async () => {
      const old = await settled("delivered", T0 + 100);
      const recent = await settled("delivered", T0 + 5 * DAY);
      const dead = await settled("dead", T0 + 100);
      expect(await store.countPurgeable("delivered", T0 + DAY)).toBe(1);
      expect(await store.countPurgeable("dead", T0 + DAY)).toBe(1);
      expect(await store.purgeBatch("delivered", T0 + DAY, 500)).toBe(1);
      expect(await store.getDelivery(old.delivery.id)).toBeUndefined();
      expect(await store.listAttempts(old.delivery.id)).toEqual([]);
      expect((await store.getDelivery(recent.delivery.id))?.status).toBe("delivered");
      expect(await store.listAttempts(recent.delivery.id)).toHaveLength(1);
      // Each kind keeps to its own state: the dead letter stays until its own rule takes it.
      expect((await store.getDelivery(dead.delivery.id))?.status).toBe("dead");
      expect(await store.purgeBatch("delivered", T0 + DAY, 500)).toBe(0);
      expect(await store.purgeBatch("dead", T0 + DAY, 500)).toBe(1);
      expect(await store.getDelivery(dead.delivery.id)).toBeUndefined();
      expect(await store.listAttempts(dead.delivery.id)).toEqual([]);
    });

    it("never deletes a pending (due or leased) or a parked delivery, however old", async () => {
      const due = await accepted(store, aWait());
      const leasedWait = aWait();
      const leased = await accepted(store, leasedWait);
      const parked = hook({ status: "parked", dedupeKey: "p", parkUntil: T0 + 1000 * DAY });
      await store.receiveWebhook({ delivery: parked, waitId: null, now: T0 });
      const far = T0 + 1000 * DAY;
      for (const kind of ["delivered", "dead", "ignored", "expired", "waits"] as const) {
        expect(await store.countPurgeable(kind, far)).toBe(0);
        expect(await store.purgeBatch(kind, far, 500)).toBe(0);
      }
      for (const d of [due, leased, parked]) expect(await store.getDelivery(d.id)).toBeDefined();
    });

    it("deletes ignored and expired webhooks by age, and a deleted one's key is free again", async () => {
      const old = await ignored(T0, "m-1");
      const fresh = await ignored(T0 + 3 * DAY, "m-2");
      const parked = hook({ status: "parked", dedupeKey: "m-3", parkUntil: T0 + 10 });
      await store.receiveWebhook({ delivery: parked, waitId: null, now: T0 });
      expect(await store.expireParked(T0 + 20)).toBe(1);
      expect(await store.countPurgeable("ignored", T0 + DAY)).toBe(1);
      expect(await store.countPurgeable("expired", T0 + DAY)).toBe(1);
      expect(await store.purgeBatch("ignored", T0 + DAY, 500)).toBe(1);
      expect(await store.purgeBatch("expired", T0 + DAY, 500)).toBe(1);
      expect(await store.getDelivery(old.id)).toBeUndefined();
      expect(await store.getDelivery(parked.id)).toBeUndefined();
      expect((await store.getDelivery(fresh.id))?.status).toBe("ignored");
      const again = hook({ status: "ignored", dedupeKey: "m-1" });
      expect((await store.receiveWebhook({ delivery: again, waitId: null, now: T0 + 2 * DAY })).kind).toBe(
        "stored",
      );
    });

    it("deletes in batches of at most the limit, oldest first", async () => {
      const all: DeliveryRecord[] = [];
      for (let i = 0; i < 5; i++) all.push(await ignored(T0 + i, `b-${i}`));
      expect(await store.purgeBatch("ignored", T0 + DAY, 2)).toBe(2);
      expect(await store.getDelivery(all[0]!.id)).toBeUndefined();
      expect(await store.getDelivery(all[1]!.id)).toBeUndefined();
      expect(await store.getDelivery(all[2]!.id)).toBeDefined();
      expect(await store.countPurgeable("ignored", T0 + DAY)).toBe(3);
      expect(await store.purgeBatch("ignored", T0 + DAY, 2)).toBe(2);
      expect(await store.purgeBatch("ignored", T0 + DAY, 2)).toBe(1);
      expect(await store.purgeBatch("ignored", T0 + DAY, 2)).toBe(0);
      expect(await store.purgeBatch("ignored", T0 + DAY, 0)).toBe(0);
    });

    it("deletes a closed wait only once its delivery is gone, and never an open one", async () => {
      const open = aWait({ expiresAt: T0 + 1000 * DAY });
      await store.createWait(open);
      const cancelled = aWait();
      await store.createWait(cancelled);
      await store.cancelWait(cancelled.id, T0 + 50);
      const { wait, delivery } = await settled("delivered", T0 + 100);
      const cutoff = T0 + DAY;
      expect(await store.countPurgeable("waits", cutoff)).toBe(1);
      expect(await store.purgeBatch("waits", cutoff, 500)).toBe(1);
      expect(await store.getWait(cancelled.id)).toBeUndefined();
      expect((await store.getWait(wait.id))?.status).toBe("closed");
      expect(await store.purgeBatch("delivered", cutoff, 500)).toBe(1);
      expect(await store.getDelivery(delivery.id)).toBeUndefined();
      expect(await store.purgeBatch("waits", cutoff, 500)).toBe(1);
      expect(await store.getWait(wait.id)).toBeUndefined();
      expect((await store.getWait(open.id))?.status).toBe("open");
      // Closed after the cutoff: kept.
      const late = aWait();
      await store.createWait(late);
      await store.cancelWait(late.id, cutoff + 1);
      expect(await store.purgeBatch("waits", cutoff, 500)).toBe(0);
    });

    it("deletes a decided approval with its decisions and mails once its delivery is gone; never an undecided one", async () => {
      const pending = anApproval({ expiresAt: T0 + 1000 * DAY });
      await store.approvals.createApproval(pending, []);
      const a = anApproval();
      await store.approvals.createApproval(a, [aMail(a, 0, { status: "sent" })]);
      const outcome = outcomeDelivery(a);
      expect(
        await store.approvals.advanceApproval({
          approvalId: a.id,
          version: 0,
          stepId: "s1",
          now: AT0 + 100,
          decision: aDecision(0),
          close: { status: "approved", delivery: outcome },
        }),
      ).toBe(true);
      const far = Date.UTC(2100, 0, 1);
      // Its delivery is still pending: the approval stays.
      expect(await store.countPurgeable("approvals", far)).toBe(0);
      expect(await store.purgeBatch("approvals", far, 500)).toBe(0);
      const [claimed] = await store.claimDue(AT0 + 200, "w", 60_000, 1);
      expect(claimed?.id).toBe(outcome.id);
      const attempt = anAttempt(outcome);
      expect(await store.recordAttempt(outcome.id, "w", AT0 + 300, { kind: "delivered", attempt })).toBe(
        true,
      );
      expect(await store.purgeBatch("delivered", far, 500)).toBe(1);
      expect(await store.countPurgeable("approvals", far)).toBe(1);
      expect(await store.purgeBatch("approvals", far, 500)).toBe(1);
      expect(await store.approvals.getApproval(a.id)).toBeUndefined();
      expect(await store.approvals.listMails(a.id)).toEqual([]);
      expect((await store.approvals.getApproval(pending.id))?.status).toBe("pending");
    });

    it("keeps a cancelled approval while one of its mails is still pending", async () => {
      const a = anApproval();
      await store.approvals.createApproval(a, [aMail(a, 0)]);
      await store.approvals.cancelApproval(a.id, AT0 + 10);
      const far = Date.UTC(2100, 0, 1);
      expect(await store.purgeBatch("approvals", far, 500)).toBe(0);
      const [mail] = await store.approvals.claimMails(AT0 + 20, "m", 60_000, 1);
      expect(mail).toBeDefined();
      await store.approvals.recordMail(mail!.id, "m", AT0 + 30, { kind: "skipped", error: "cancelled" });
      expect(await store.purgeBatch("approvals", far, 500)).toBe(1);
      expect(await store.approvals.getApproval(a.id)).toBeUndefined();
    });
  });

  describe("bulk replay", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    async function dead(source: string | null, createdAt: number) {
      const wait = aWait({ source });
      const d = await accepted(store, wait, { createdAt, updatedAt: createdAt });
      await store.claimDue(T0 + 20, "w", 60_000, 10);
      const attempt = anAttempt(d, { outcome: "dead", httpStatus: 400 });
      expect(await store.recordAttempt(d.id, "w", T0 + 30, { kind: "dead", attempt })).toBe(true);
      return d;
    }

    it("queues again the matching dead letters, oldest first, up to the limit", async () => {
      const a = await dead("gh", T0 + 1);
      const b = await dead("gh", T0 + 2);
      const c = await dead("gh", T0 + 3);
      const other = await dead("stripe", T0 + 4);
      const filter = { status: "dead" as const, source: "gh" };
      expect(await store.countReplayable(filter, 1000)).toBe(3);
      expect(await store.countReplayable(filter, 2)).toBe(2);
      expect(await store.replayDeliveries(filter, T0 + 100, T0 + 5000, 2)).toBe(2);
      for (const d of [a, b]) {
        expect(await store.getDelivery(d.id)).toMatchObject({
          status: "pending",
          nextAttemptAt: T0 + 100,
          deliverUntil: T0 + 5000,
          leaseOwner: null,
        });
      }
      expect((await store.getDelivery(c.id))?.status).toBe("dead");
      expect((await store.getDelivery(other.id))?.status).toBe("dead");
      expect(await store.countReplayable(filter, 1000)).toBe(1);
      // Replayed ones are claimable again.
      const claimed = await store.claimDue(T0 + 100, "w2", 60_000, 10);
      expect(claimed.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
      expect(await store.replayDeliveries(filter, T0 + 200, T0 + 5000, 10)).toBe(1);
      expect(await store.replayDeliveries(filter, T0 + 300, T0 + 5000, 10)).toBe(0);
    });

    it("filters on arrival time (since inclusive, until exclusive) and state", async () => {
      const early = await dead(null, T0 + 10);
      const mid = await dead(null, T0 + 20);
      await dead(null, T0 + 30);
      const window = { status: "dead" as const, since: T0 + 10, until: T0 + 30 };
      expect(await store.countReplayable(window, 100)).toBe(2);
      expect(await store.countReplayable({ status: "delivered" }, 100)).toBe(0);
      expect(await store.replayDeliveries({ status: "delivered" }, T0 + 100, T0 + 5000, 100)).toBe(0);
      expect(await store.replayDeliveries(window, T0 + 100, T0 + 5000, 100)).toBe(2);
      expect((await store.getDelivery(early.id))?.status).toBe("pending");
      expect((await store.getDelivery(mid.id))?.status).toBe("pending");
      expect(await store.countReplayable({ status: "dead" }, 100)).toBe(1);
    });

    it("lists deliveries by arrival time too (since inclusive, until exclusive)", async () => {
      const a = await dead("gh", T0 + 10);
      const b = await dead("gh", T0 + 20);
      await dead("gh", T0 + 30);
      const page = await store.listDeliveries({ since: T0 + 10, until: T0 + 30, limit: 10 });
      expect(page.items.map((d) => d.id)).toEqual([b.id, a.id]);
      expect((await store.listDeliveries({ since: T0 + 31, limit: 10 })).items).toEqual([]);
    });
  });
}
