import type { Insertable, Selectable } from "kysely";
import type { ApprovalPolicy, ApprovalStatus, Decision } from "../../core/approval-policy.js";
import type {
  ApprovalRecord,
  ApproverRecord,
  DecisionRecord,
  EndingMode,
  MailRecord,
  MailStatus,
  RequesterRecord,
} from "../../ports/approval-store.js";
import type { ApprovalsTable, DecisionsTable, MailsTable } from "./schema.js";

// PostgreSQL returns BIGINT as a string; every dialect goes through these so records are numbers.
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function approvalFromRow(r: Selectable<ApprovalsTable>, decisions: DecisionRecord[]): ApprovalRecord {
  const policy: ApprovalPolicy =
    r.policy_kind === "quorum"
      ? { kind: "quorum", count: num(r.policy_count) }
      : { kind: r.policy_kind as "any" | "all" };
  return {
    id: r.id,
    taskId: r.task_id,
    executionId: r.execution_id,
    taskExternalId: r.task_external_id,
    title: r.title,
    description: r.description,
    requestedBy: r.requested_by_json === null ? null : (JSON.parse(r.requested_by_json) as RequesterRecord),
    policy,
    approvers: JSON.parse(r.approvers_json) as ApproverRecord[],
    onReject: r.on_reject as EndingMode,
    onExpire: r.on_expire as EndingMode,
    notify: num(r.notify) === 1,
    status: r.status as ApprovalStatus,
    metadata: r.metadata_json === null ? null : (JSON.parse(r.metadata_json) as Record<string, unknown>),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    closedAt: numOrNull(r.closed_at),
    deliveryId: r.delivery_id,
    version: num(r.version),
    decisions,
  };
}

export function approvalToRow(a: ApprovalRecord): Insertable<ApprovalsTable> {
  return {
    id: a.id,
    task_id: a.taskId,
    execution_id: a.executionId,
    task_external_id: a.taskExternalId,
    title: a.title,
    description: a.description,
    requested_by_json: a.requestedBy === null ? null : JSON.stringify(a.requestedBy),
    policy_kind: a.policy.kind,
    policy_count: a.policy.kind === "quorum" ? a.policy.count : null,
    approvers_json: JSON.stringify(a.approvers),
    on_reject: a.onReject,
    on_expire: a.onExpire,
    notify: a.notify ? 1 : 0,
    status: a.status,
    metadata_json: a.metadata === null ? null : JSON.stringify(a.metadata),
    created_at: a.createdAt,
    expires_at: a.expiresAt,
    closed_at: a.closedAt,
    delivery_id: a.deliveryId,
    version: a.version,
    step_id: null,
  };
}

export function decisionFromRow(r: Selectable<DecisionsTable>): DecisionRecord {
  return {
    approverIndex: num(r.approver_index),
    email: r.email,
    decision: r.decision as Decision,
    comment: r.comment,
    decidedAt: num(r.decided_at),
    ip: r.ip,
    userAgent: r.user_agent,
  };
}

export function decisionToRow(approvalId: string, seq: number, d: DecisionRecord): DecisionsTable {
  return {
    approval_id: approvalId,
    approver_index: d.approverIndex,
    seq,
    email: d.email,
    decision: d.decision,
    comment: d.comment,
    decided_at: d.decidedAt,
    ip: d.ip,
    user_agent: d.userAgent,
  };
}

export function mailFromRow(r: Selectable<MailsTable>): MailRecord {
  return {
    id: r.id,
    approvalId: r.approval_id,
    approverIndex: num(r.approver_index),
    status: r.status as MailStatus,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    sendUntil: num(r.send_until),
    leaseOwner: r.lease_owner,
    leaseUntil: numOrNull(r.lease_until),
    lastError: r.last_error,
    messageId: r.message_id,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    sentAt: numOrNull(r.sent_at),
  };
}

export function mailToRow(m: MailRecord): Insertable<MailsTable> {
  return {
    id: m.id,
    approval_id: m.approvalId,
    approver_index: m.approverIndex,
    status: m.status,
    attempts: m.attempts,
    next_attempt_at: m.nextAttemptAt,
    due_at: m.leaseUntil ?? m.nextAttemptAt,
    send_until: m.sendUntil,
    lease_owner: m.leaseOwner,
    lease_until: m.leaseUntil,
    last_error: m.lastError,
    message_id: m.messageId,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    sent_at: m.sentAt,
  };
}
