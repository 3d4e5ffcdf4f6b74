import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uuid7 } from "../adapters/runtime/uuid7-ids.js";
import type { ApprovalRecord, DecisionRecord, MailRecord } from "../ports/approval-store.js";
import type { DeliveryRecord, Store } from "../ports/store.js";
import type { StoreHarness } from "./store-contract.js";

const T0 = 1_760_000_000_000;
let seq = 0;
const newId = () => uuid7(T0 + seq++, crypto.getRandomValues(new Uint8Array(10)));

export function anApproval(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: newId(),
    taskId: crypto.randomUUID(),
    executionId: null,
    taskExternalId: null,
    title: "Release 4.2 to production",
    description: null,
    requestedBy: null,
    policy: { kind: "any" },
    approvers: [
      { email: "ada@example.com", name: "Ada", tokenId: newId() },
      { email: "bo@example.com", name: null, tokenId: newId() },
      { email: "cy@example.com", name: null, tokenId: newId() },
    ],
    onReject: "fail",
    onExpire: "fail",
    notify: true,
    status: "pending",
    metadata: null,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    closedAt: null,
    deliveryId: null,
    version: 0,
    decisions: [],
    ...over,
  };
}

function aMail(a: ApprovalRecord, approverIndex: number, over: Partial<MailRecord> = {}): MailRecord {
  return {
    id: newId(),
    approvalId: a.id,
    approverIndex,
    status: "pending",
    attempts: 0,
    nextAttemptAt: T0,
    sendUntil: a.expiresAt,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    messageId: null,
    createdAt: T0,
    updatedAt: T0,
    sentAt: null,
    ...over,
  };
}

const aDecision = (approverIndex: number, over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  approverIndex,
  email: `approver${approverIndex}@example.com`,
  decision: "approve",
  comment: null,
  decidedAt: T0 + 100,
  ip: "203.0.113.7",
  userAgent: "Mozilla/5.0",
  ...over,
});

function outcomeDelivery(a: ApprovalRecord): DeliveryRecord {
  return {
    id: newId(),
    waitId: null,
    taskId: a.taskId,
    executionId: a.executionId,
    source: null,
    correlationKey: null,
    dedupeKey: null,
    parkUntil: null,
    reason: null,
    status: "pending",
    update: { status: "COMPLETED", output: { approval: { id: a.id, outcome: "approved" } } },
    resultHash: "h",
    attempts: 0,
    claims: 0,
    nextAttemptAt: T0 + 100,
    deliverUntil: T0 + 7_200_000,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: T0 + 100,
    updatedAt: T0 + 100,
    deliveredAt: null,
  };
}

/** The approval half of the store contract: the same cases for every dialect and runtime. */
export function describeApprovalStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Approval store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it("stores an approval with its mails and reads back every field", async () => {
      const a = anApproval({
        executionId: crypto.randomUUID(),
        taskExternalId: "await-approval",
        description: "Ship **it**",
        requestedBy: { name: "Release bot", email: null },
        policy: { kind: "quorum", count: 2 },
        onReject: "complete",
        onExpire: "complete",
        notify: false,
        metadata: { team: "ops" },
      });
      const mails = a.approvers.map((_, i) => aMail(a, i));
      await store.approvals.createApproval(a, mails);
      expect(await store.approvals.getApproval(a.id)).toEqual(a);
      expect(await store.approvals.listMails(a.id)).toEqual(mails);
      expect(await store.approvals.getApproval(newId())).toBeUndefined();
    });

    it("stores the largest approval the API allows (25 approvers, 25 mails) in one step", async () => {
      const approvers = Array.from({ length: 25 }, (_, i) => ({
        email: `approver-${i}@example.com`,
        name: `Approver ${i}`,
        tokenId: newId(),
      }));
      const a = anApproval({ approvers, policy: { kind: "quorum", count: 13 } });
      const mails = approvers.map((_, i) => aMail(a, i));
      await store.approvals.createApproval(a, mails);
      expect((await store.approvals.getApproval(a.id))?.approvers).toEqual(approvers);
      expect(await store.approvals.listMails(a.id)).toEqual(mails);
    });

    it("lists a page of 120 approvals with their decisions", async () => {
      const task = crypto.randomUUID();
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) {
        const a = anApproval({ taskId: task, policy: { kind: "all" } });
        await store.approvals.createApproval(a, []);
        await store.approvals.advanceApproval({
          approvalId: a.id,
          version: 0,
          stepId: newId(),
          now: T0 + 100,
          decision: aDecision(i % 3, { comment: `c${i}` }),
          close: null,
        });
        ids.push(a.id);
      }
      const page = await store.approvals.listApprovals({ taskId: task, limit: 1000 });
      expect(page.items.map((a) => a.id)).toEqual([...ids].reverse());
      for (const a of page.items) {
        const i = ids.indexOf(a.id);
        expect(a.decisions).toEqual([aDecision(i % 3, { comment: `c${i}` })]);
      }
    });

    it("lists by status and task, newest first, with a cursor", async () => {
      const task = crypto.randomUUID();
      const made = [];
      for (let i = 0; i < 3; i++) {
        const a = anApproval({ taskId: task });
        await store.approvals.createApproval(a, []);
        made.push(a.id);
      }
      await store.approvals.createApproval(anApproval(), []);
      const first = await store.approvals.listApprovals({ taskId: task, limit: 2 });
      expect(first.items.map((a) => a.id)).toEqual([made[2], made[1]]);
      const second = await store.approvals.listApprovals({
        taskId: task,
        limit: 2,
        cursor: first.nextCursor ?? "",
      });
      expect(second.items.map((a) => a.id)).toEqual([made[0]]);
      expect(second.nextCursor).toBeNull();
      await store.approvals.cancelApproval(made[0]!, T0 + 1);
      const cancelled = await store.approvals.listApprovals({ status: "cancelled", limit: 10 });
      expect(cancelled.items.map((a) => a.id)).toEqual([made[0]]);
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
      expect(await store.approvals.advanceApproval({ ...expire, stepId: newId(), now: T0 + 999 })).toBe(
        false,
      );
      expect((await store.approvals.findExpiredApprovals(T0 + 999, 10)).map((x) => x.id)).not.toContain(a.id);
      expect((await store.approvals.findExpiredApprovals(T0 + 1000, 100)).map((x) => x.id)).toContain(a.id);
      expect(await store.approvals.advanceApproval({ ...expire, stepId: newId(), now: T0 + 1000 })).toBe(
        true,
      );
      expect(await store.approvals.getApproval(a.id)).toMatchObject({
        status: "expired",
        deliveryId: delivery.id,
      });
      expect((await store.approvals.findExpiredApprovals(T0 + 2000, 100)).map((x) => x.id)).not.toContain(
        a.id,
      );
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

    describe("mail outbox", () => {
      it("leases due mails once, hands an expired lease on, and records only for the holder", async () => {
        const a = anApproval();
        const m0 = aMail(a, 0);
        const m1 = aMail(a, 1, { nextAttemptAt: T0 + 500 });
        await store.approvals.createApproval(a, [m0, m1]);
        expect(await store.approvals.nextMailDueAt()).toBeLessThanOrEqual(T0);
        const first = await store.approvals.claimMails(T0, "w1", 1000, 10);
        expect(first.map((m) => m.id)).toEqual([m0.id]);
        expect(first[0]).toMatchObject({ leaseOwner: "w1", leaseUntil: T0 + 1000 });
        expect(await store.approvals.claimMails(T0 + 1, "w2", 1000, 10)).toEqual([]);
        // w1 died: its lease runs out and w2 takes both.
        const second = await store.approvals.claimMails(T0 + 1000, "w2", 1000, 10);
        expect(second.map((m) => m.id).sort()).toEqual([m0.id, m1.id].sort());
        expect(
          await store.approvals.recordMail(m0.id, "w1", T0 + 1001, { kind: "sent", messageId: "x" }),
        ).toBe(false);
        expect(
          await store.approvals.recordMail(m0.id, "w2", T0 + 1001, { kind: "sent", messageId: "<a@b>" }),
        ).toBe(true);
        expect(
          await store.approvals.recordMail(m1.id, "w2", T0 + 1001, {
            kind: "retry",
            nextAttemptAt: T0 + 5000,
            error: "450 mailbox busy",
          }),
        ).toBe(true);
        const mails = await store.approvals.listMails(a.id);
        expect(mails[0]).toMatchObject({
          status: "sent",
          messageId: "<a@b>",
          sentAt: T0 + 1001,
          attempts: 1,
        });
        expect(mails[1]).toMatchObject({
          status: "pending",
          attempts: 1,
          nextAttemptAt: T0 + 5000,
          lastError: "450 mailbox busy",
          leaseOwner: null,
        });
        expect(await store.approvals.claimMails(T0 + 4999, "w3", 1000, 10)).toEqual([]);
        expect(await store.approvals.nextMailDueAt()).toBe(T0 + 5000);
        const [again] = await store.approvals.claimMails(T0 + 5000, "w3", 1000, 10);
        expect(again?.id).toBe(m1.id);
        expect(
          await store.approvals.recordMail(m1.id, "w3", T0 + 5001, {
            kind: "dead",
            error: "550 no such user",
          }),
        ).toBe(true);
        expect((await store.approvals.listMails(a.id))[1]).toMatchObject({ status: "dead", attempts: 2 });
        expect(
          await store.approvals.recordMail(m1.id, "w3", T0 + 5002, { kind: "sent", messageId: null }),
        ).toBe(false);
      });

      it("records a skipped mail without counting an attempt", async () => {
        const a = anApproval();
        const m = aMail(a, 2);
        await store.approvals.createApproval(a, [m]);
        await store.approvals.claimMails(T0, "w", 1000, 10);
        expect(
          await store.approvals.recordMail(m.id, "w", T0 + 1, { kind: "skipped", error: "approval ended" }),
        ).toBe(true);
        expect((await store.approvals.listMails(a.id))[0]).toMatchObject({ status: "skipped", attempts: 0 });
      });
    });
  });
}
