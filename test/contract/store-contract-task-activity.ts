import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { anApproval } from "./approval-store-fixtures.js";
import { accepted, anAttempt, aWait, T0 } from "./store-fixtures.js";

/** The store contract for taskActivity: what a new wait or approval is checked against. */
export function describeTaskActivityContract(current: () => Store): void {
  describe("task activity", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("knows nothing of a task it never saw", async () => {
      expect(await store.taskActivity(crypto.randomUUID(), T0)).toEqual({
        delivered: undefined,
        openWaits: 0,
        pendingApprovals: 0,
      });
    });

    it("counts open, unexpired waits on the task only", async () => {
      const taskId = crypto.randomUUID();
      await store.createWait(aWait({ taskId }));
      await store.createWait(aWait({ taskId }));
      await store.createWait(aWait({ taskId, expiresAt: T0 + 50 }));
      const cancelled = aWait({ taskId });
      await store.createWait(cancelled);
      await store.cancelWait(cancelled.id, T0 + 1);
      await store.createWait(aWait());
      expect((await store.taskActivity(taskId, T0 + 100)).openWaits).toBe(2);
      expect((await store.taskActivity(taskId, T0 + 10)).openWaits).toBe(3);
    });

    it("counts pending, unexpired approvals on the task only", async () => {
      const taskId = crypto.randomUUID();
      await store.approvals.createApproval(anApproval({ taskId, createdAt: T0, expiresAt: T0 + 1000 }), []);
      await store.approvals.createApproval(anApproval({ taskId, createdAt: T0, expiresAt: T0 + 50 }), []);
      const cancelled = anApproval({ taskId, createdAt: T0, expiresAt: T0 + 1000 });
      await store.approvals.createApproval(cancelled, []);
      await store.approvals.cancelApproval(cancelled.id, T0 + 1);
      await store.approvals.createApproval(anApproval({ createdAt: T0, expiresAt: T0 + 1000 }), []);
      expect((await store.taskActivity(taskId, T0 + 100)).pendingApprovals).toBe(1);
      expect((await store.taskActivity(taskId, T0 + 10)).pendingApprovals).toBe(2);
    });

    it("names the update taskgate delivered, not one still pending", async () => {
      const wait = aWait();
      const delivery = await accepted(store, wait, { update: { status: "FAILED", output: { why: "x" } } });
      // Accepted but not delivered: CDF has not taken it yet.
      expect((await store.taskActivity(wait.taskId, T0 + 20)).delivered).toBeUndefined();
      expect((await store.taskActivity(wait.taskId, T0 + 20)).openWaits).toBe(0);
      const [claimed] = await store.claimDue(T0 + 20, "me", 30_000, 10);
      expect(claimed?.id).toBe(delivery.id);
      await store.recordAttempt(delivery.id, "me", T0 + 30, {
        kind: "delivered",
        attempt: anAttempt(delivery, { startedAt: T0 + 21, finishedAt: T0 + 30 }),
      });
      expect((await store.taskActivity(wait.taskId, T0 + 40)).delivered).toEqual({
        deliveryId: delivery.id,
        status: "FAILED",
        deliveredAt: T0 + 30,
      });
    });
  });
}
