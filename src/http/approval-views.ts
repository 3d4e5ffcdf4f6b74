import type { ApprovalRecord, MailRecord } from "../ports/approval-store.js";
import type { ApprovalView } from "./pages/model.js";

/** The API's view of an approval: each approver with their decision; token ids stay inside. */
export function approvalApiView(a: ApprovalRecord, mails?: MailRecord[]) {
  return {
    id: a.id,
    taskId: a.taskId,
    executionId: a.executionId,
    taskExternalId: a.taskExternalId,
    title: a.title,
    description: a.description,
    requestedBy: a.requestedBy,
    policy: a.policy,
    status: a.status,
    onReject: a.onReject,
    onExpire: a.onExpire,
    notify: a.notify,
    metadata: a.metadata,
    approvers: a.approvers.map(({ email, name }) => ({ email, name })),
    decisions: a.decisions.map((d) => ({
      email: d.email,
      name: a.approvers[d.approverIndex]?.name ?? null,
      decision: d.decision,
      comment: d.comment,
      decidedAt: d.decidedAt,
      ip: d.ip,
      userAgent: d.userAgent,
    })),
    createdAt: a.createdAt,
    expiresAt: a.expiresAt,
    closedAt: a.closedAt,
    deliveryId: a.deliveryId,
    ...(mails
      ? {
          mails: mails.map((m) => ({
            email: a.approvers[m.approverIndex]?.email ?? null,
            status: m.status,
            attempts: m.attempts,
            lastError: m.lastError,
            sentAt: m.sentAt,
          })),
        }
      : {}),
  };
}

/** What the pages may show: names, decisions and comments, never IPs or user agents. */
export function approvalPageView(a: ApprovalRecord): ApprovalView {
  return {
    id: a.id,
    title: a.title,
    description: a.description,
    status: a.status,
    policy: a.policy,
    task: { taskId: a.taskId, taskExternalId: a.taskExternalId, executionId: a.executionId },
    approvers: a.approvers.map((p, i) => {
      const d = a.decisions.find((x) => x.approverIndex === i);
      return {
        email: p.email,
        name: p.name,
        decision: d?.decision ?? null,
        decidedAt: d?.decidedAt ?? null,
        comment: d?.comment ?? null,
      };
    }),
    createdAt: a.createdAt,
    expiresAt: a.expiresAt,
    closedAt: a.closedAt,
  };
}
