import { beforeEach, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { aDecision, aMail, anApproval, newId, T0 } from "./approval-store-fixtures.js";

/** Approval contract cases: storing and listing approvals. */
export function approvalRecordCases(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
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
}
