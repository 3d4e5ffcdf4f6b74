import type { ApprovalRecord, MailRecord } from "../ports/approval-store.js";
import type { DeliveryRecord } from "../ports/store.js";
import type { ApprovalView, DeliveryView } from "./pages/model.js";
import { effectiveStatus, outcomeSentence } from "./pages/outcome-words.js";
import type { ApprovalApiView, ApprovalDetailView } from "./view-schemas.js";

/** The outcome's delivery as approvers and callers see it; parked/ignored never carry an approval. */
function deliveryView(d: DeliveryRecord | undefined): DeliveryView | null {
  if (d === undefined) return null;
  const status = d.status === "delivered" || d.status === "dead" ? d.status : "pending";
  return { status, deliveredAt: d.deliveredAt, lastError: d.lastError };
}

interface ApprovalDetail {
  mails: MailRecord[];
  delivery: DeliveryRecord | undefined;
  now: number;
}

/**
 * The API's view of an approval: each approver with their decision; token ids stay inside. With
 * `detail` (GET /v1/approvals/:id) also the mails, and what became of the outcome in CDF.
 */
export function approvalApiView(a: ApprovalRecord): ApprovalApiView;
export function approvalApiView(a: ApprovalRecord, detail: ApprovalDetail): ApprovalDetailView;
export function approvalApiView(a: ApprovalRecord, detail?: ApprovalDetail): ApprovalApiView {
  const mails = detail?.mails;
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
    ...(detail
      ? {
          delivery: detail.delivery ? { id: detail.delivery.id, ...deliveryView(detail.delivery) } : null,
          summary: outcomeSentence(effectiveStatus(a, detail.now), deliveryView(detail.delivery)),
        }
      : {}),
  };
}

/**
 * What the pages may show the approver at `viewer`: names, decisions and comments, never IPs or
 * user agents, and only the viewer's own email (a link forwarded or leaked must not hand out every
 * approver's address). Others without a name are "Approver N".
 */
export function approvalPageView(a: ApprovalRecord, viewer: number, delivery?: DeliveryRecord): ApprovalView {
  return {
    id: a.id,
    title: a.title,
    description: a.description,
    requestedBy: a.requestedBy,
    status: a.status,
    policy: a.policy,
    task: { taskId: a.taskId, taskExternalId: a.taskExternalId, executionId: a.executionId },
    approvers: a.approvers.map((p, i) => {
      const d = a.decisions.find((x) => x.approverIndex === i);
      const own = i === viewer;
      return {
        email: own ? p.email : "",
        name: own ? p.name : (p.name ?? `Approver ${i + 1}`),
        decision: d?.decision ?? null,
        decidedAt: d?.decidedAt ?? null,
        comment: d?.comment ?? null,
      };
    }),
    createdAt: a.createdAt,
    expiresAt: a.expiresAt,
    closedAt: a.closedAt,
    delivery: deliveryView(delivery),
  };
}
