import { beforeEach, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { aDecision, anApproval, newId, outcomeDelivery, T0 } from "./approval-store-fixtures.js";

/** Approval contract cases: decisions, closing, expiry and cancel, each one atomic step. */
export function approvalStepCases(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  it("appends decisions in the order it serialised them, each against the version it read", async () => {
    const a = anApproval({ policy: { kind: "all" } });
    await store.approvals.createApproval(a, []);
    const d0 = aDecision(2, { comment: "fine by me", decision: "approve" });
    const d1 = aDecision(0, { decidedAt: T0 + 200 });
    const step = { approvalId: a.id, now: T0 + 100, close: null };
    expect(
      await store.approvals.advanceApproval({ ...step, version: 0, stepId: newId(), decision: d0 }),
    ).toBe(true);
    // Computed from version 0, which is gone: refused, nothing written.
    expect(
      await store.approvals.advanceApproval({ ...step, version: 0, stepId: newId(), decision: d1 }),
    ).toBe(false);
    expect(
      await store.approvals.advanceApproval({ ...step, version: 1, stepId: newId(), decision: d1 }),
    ).toBe(true);
    const read = await store.approvals.getApproval(a.id);
    expect(read).toMatchObject({ status: "pending", version: 2, closedAt: null, deliveryId: null });
    expect(read?.decisions).toEqual([d0, d1]);
  });

  it("refuses a second decision by the same approver", async () => {
    const a = anApproval({ policy: { kind: "all" } });
    await store.approvals.createApproval(a, []);
    const step = { approvalId: a.id, now: T0 + 100, close: null };
    await store.approvals.advanceApproval({ ...step, version: 0, stepId: newId(), decision: aDecision(1) });
    expect(
      await store.approvals.advanceApproval({
        ...step,
        version: 1,
        stepId: newId(),
        decision: aDecision(1, { decision: "reject" }),
      }),
    ).toBe(false);
    const read = await store.approvals.getApproval(a.id);
    expect(read?.version).toBe(1);
    expect(read?.decisions.map((d) => d.decision)).toEqual(["approve"]);
  });

  it("ends an approval with its deciding vote and inserts the delivery in the same step", async () => {
    const a = anApproval();
    await store.approvals.createApproval(a, []);
    const delivery = outcomeDelivery(a);
    expect(
      await store.approvals.advanceApproval({
        approvalId: a.id,
        version: 0,
        stepId: newId(),
        now: T0 + 100,
        decision: aDecision(1),
        close: { status: "approved", delivery },
      }),
    ).toBe(true);
    expect(await store.approvals.getApproval(a.id)).toMatchObject({
      status: "approved",
      closedAt: T0 + 100,
      deliveryId: delivery.id,
      version: 1,
    });
    expect(await store.getDelivery(delivery.id)).toEqual(delivery);
    expect((await store.claimDue(T0 + 100, "fwd", 1000, 10)).map((d) => d.id)).toEqual([delivery.id]);
    // Ended: nothing moves it any more.
    expect(
      await store.approvals.advanceApproval({
        approvalId: a.id,
        version: 1,
        stepId: newId(),
        now: T0 + 101,
        decision: aDecision(0),
        close: null,
      }),
    ).toBe(false);
  });

  it("under concurrent steps from one version, exactly one wins and only its writes land", async () => {
    const a = anApproval({ policy: { kind: "any" } });
    await store.approvals.createApproval(a, []);
    const attempts = a.approvers.map((_, i) => {
      const delivery = outcomeDelivery(a);
      return {
        delivery,
        result: store.approvals.advanceApproval({
          approvalId: a.id,
          version: 0,
          stepId: newId(),
          now: T0 + 100,
          decision: aDecision(i, { decision: i % 2 ? "reject" : "approve" }),
          close: { status: i % 2 ? "rejected" : "approved", delivery },
        }),
      };
    });
    const results = await Promise.all(attempts.map((x) => x.result));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = attempts[results.indexOf(true)]!;
    const read = await store.approvals.getApproval(a.id);
    expect(read?.deliveryId).toBe(winner.delivery.id);
    expect(read?.decisions).toHaveLength(1);
    for (const x of attempts) {
      expect(await store.getDelivery(x.delivery.id)).toEqual(x === winner ? x.delivery : undefined);
    }
  });

  it("takes decisions only before expiry, and expiry only after it", async () => {
    const a = anApproval({ expiresAt: T0 + 1000 });
    await store.approvals.createApproval(a, []);
    const base = { approvalId: a.id, version: 0, close: null };
    expect(
      await store.approvals.advanceApproval({
        ...base,
        stepId: newId(),
        now: T0 + 1000,
        decision: aDecision(0),
      }),
    ).toBe(false);
    const delivery = outcomeDelivery(a);
    const expire = { ...base, decision: null, close: { status: "expired" as const, delivery } };
    expect(await store.approvals.advanceApproval({ ...expire, stepId: newId(), now: T0 + 999 })).toBe(false);
    expect((await store.approvals.findExpiredApprovals(T0 + 999, 10)).map((x) => x.id)).not.toContain(a.id);
    expect((await store.approvals.findExpiredApprovals(T0 + 1000, 100)).map((x) => x.id)).toContain(a.id);
    expect(await store.approvals.advanceApproval({ ...expire, stepId: newId(), now: T0 + 1000 })).toBe(true);
    expect(await store.approvals.getApproval(a.id)).toMatchObject({
      status: "expired",
      deliveryId: delivery.id,
    });
    expect((await store.approvals.findExpiredApprovals(T0 + 2000, 100)).map((x) => x.id)).not.toContain(a.id);
    expect(await store.getDelivery(delivery.id)).toEqual(delivery);
  });

  it("cancels only a pending approval", async () => {
    const a = anApproval();
    const b = anApproval();
    await store.approvals.createApproval(a, []);
    await store.approvals.createApproval(b, []);
    await store.approvals.advanceApproval({
      approvalId: b.id,
      version: 0,
      stepId: newId(),
      now: T0 + 1,
      decision: aDecision(0),
      close: { status: "approved", delivery: outcomeDelivery(b) },
    });
    expect(await store.approvals.cancelApproval(a.id, T0 + 5)).toMatchObject({
      status: "cancelled",
      closedAt: T0 + 5,
      version: 1,
    });
    expect((await store.approvals.cancelApproval(b.id, T0 + 5))?.status).toBe("approved");
    expect(await store.approvals.cancelApproval(newId(), T0 + 5)).toBeUndefined();
    expect(
      await store.approvals.advanceApproval({
        approvalId: a.id,
        version: 1,
        stepId: newId(),
        now: T0 + 6,
        decision: aDecision(0),
        close: null,
      }),
    ).toBe(false);
  });
}
