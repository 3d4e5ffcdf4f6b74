import { uuid7 } from "../../src/adapters/runtime/uuid7-ids.js";
import type { ApprovalRecord, DecisionRecord, MailRecord } from "../../src/ports/approval-store.js";
import type { DeliveryRecord } from "../../src/ports/store-records.js";

/** Records for the approval store contract: an approval, its mails, decisions and outcome. */
export const T0 = 1_760_000_000_000;
let seq = 0;
export const newId = () => uuid7(T0 + seq++, crypto.getRandomValues(new Uint8Array(10)));

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

export function aMail(a: ApprovalRecord, approverIndex: number, over: Partial<MailRecord> = {}): MailRecord {
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

export const aDecision = (approverIndex: number, over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  approverIndex,
  email: `approver${approverIndex}@example.com`,
  decision: "approve",
  comment: null,
  decidedAt: T0 + 100,
  ip: "203.0.113.7",
  userAgent: "Mozilla/5.0",
  ...over,
});

export function outcomeDelivery(a: ApprovalRecord): DeliveryRecord {
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
    contentHash: "h",
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
