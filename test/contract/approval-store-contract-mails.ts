import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { aMail, anApproval, T0 } from "./approval-store-fixtures.js";

/** Approval contract cases: the mail outbox and its lease. */
export function approvalMailCases(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
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
      expect(await store.approvals.recordMail(m0.id, "w1", T0 + 1001, { kind: "sent", messageId: "x" })).toBe(
        false,
      );
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
}
