import { type ApprovalPolicy, policyProblem } from "../core/approval-policy.js";
import { TaskgateError } from "../core/errors.js";
import type { ApprovalFilter, ApprovalRecord, EndingMode, MailRecord } from "../ports/approval-store.js";
import type { Page } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";
import type { ServiceDeps } from "./deps.js";
import { openTaskFor } from "./task-guard.js";

export interface CreateApprovalInput {
  taskId?: string | undefined;
  executionId?: string | undefined;
  taskExternalId?: string | undefined;
  title: string;
  description?: string | undefined;
  requestedBy?: { name?: string | undefined; email?: string | undefined } | undefined;
  approvers: { email: string; name?: string | undefined }[];
  policy: ApprovalPolicy;
  expiresAt?: number | undefined;
  ttlMs?: number | undefined;
  onReject?: EndingMode | undefined;
  onExpire?: EndingMode | undefined;
  notify?: boolean | undefined;
  metadata?: Record<string, unknown> | undefined;
  allowMultiple?: boolean | undefined;
}

export interface ApprovalLink {
  email: string;
  url: string;
}

/**
 * Creates an approval: one signed link per approver and, when it notifies, one queued mail each,
 * stored together. The mails go out from the outbox, so a mail server that is down delays the
 * notice but never loses the approval.
 */
export async function createApproval(
  deps: ServiceDeps,
  input: CreateApprovalInput,
  actor = "api",
): Promise<{ approval: ApprovalRecord; links: ApprovalLink[] }> {
  const now = deps.clock.now();
  const settings = deps.approvals;
  const problem = policyProblem(input.policy, input.approvers.length);
  if (problem) throw new TaskgateError("invalid_request", problem, { details: { path: "policy" } });
  const emails = new Set<string>();
  for (const [i, a] of input.approvers.entries()) {
    const email = a.email.toLowerCase();
    if (emails.has(email)) {
      throw new TaskgateError("invalid_request", `approver ${a.email} is listed twice`, {
        details: { path: `approvers.${i}.email` },
      });
    }
    emails.add(email);
  }
  const notify = input.notify ?? deps.mailOutbox !== undefined;
  if (notify && !deps.mailOutbox) {
    throw new TaskgateError(
      "mail_not_configured",
      "notify is true but no mail is configured (approvals.mail); hand out the links yourself",
    );
  }
  const expiresAt = input.expiresAt ?? now + (input.ttlMs ?? settings.defaultTtlMs);
  if (expiresAt <= now || expiresAt > now + settings.maxTtlMs) {
    throw new TaskgateError(
      "invalid_request",
      `an approval must expire in the future and within ${Math.round(settings.maxTtlMs / 3_600_000)} h (approvals.maxTtl)`,
      { details: { path: input.expiresAt === undefined ? "ttl" : "expiresAt" } },
    );
  }

  const { taskId, taskExternalId } = await openTaskFor(deps, input);

  const approval: ApprovalRecord = {
    id: deps.ids.newId(),
    taskId,
    executionId: input.executionId ?? null,
    taskExternalId,
    title: input.title,
    description: input.description ?? null,
    requestedBy: input.requestedBy
      ? { name: input.requestedBy.name ?? null, email: input.requestedBy.email ?? null }
      : null,
    policy: input.policy,
    approvers: input.approvers.map((a) => ({
      email: a.email,
      name: a.name ?? null,
      tokenId: deps.ids.newId(),
    })),
    onReject: input.onReject ?? "fail",
    onExpire: input.onExpire ?? settings.onExpire,
    notify,
    status: "pending",
    metadata: input.metadata ?? null,
    createdAt: now,
    expiresAt,
    closedAt: null,
    deliveryId: null,
    version: 0,
    decisions: [],
  };
  const mails: MailRecord[] = notify
    ? approval.approvers.map((_, approverIndex) => ({
        id: deps.ids.newId(),
        approvalId: approval.id,
        approverIndex,
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        sendUntil: expiresAt,
        leaseOwner: null,
        leaseUntil: null,
        lastError: null,
        messageId: null,
        createdAt: now,
        updatedAt: now,
        sentAt: null,
      }))
    : [];
  await deps.store.approvals.createApproval(approval, mails, [
    auditEntry(
      deps,
      now,
      "approval.created",
      actor,
      { approvalId: approval.id },
      {
        taskId,
        title: approval.title,
        approvers: approval.approvers.map((a) => a.email),
        policy: approval.policy,
        notify,
        expiresAt,
      },
    ),
  ]);
  deps.logger.info("approval created", {
    approvalId: approval.id,
    taskId,
    approvers: approval.approvers.length,
    policy: approval.policy.kind,
    notify,
    expiresAt,
  });
  const links = await Promise.all(
    approval.approvers.map(async (a, i) => ({ email: a.email, url: await approvalLink(deps, approval, i) })),
  );
  if (notify) deps.mailOutbox?.kick();
  return { approval, links };
}

/**
 * The link of approver `index`. Deterministic for a given signing key (same claims, same issue
 * time, the approver's stored token id), so the mail sent later carries the very link the API
 * answered with, and no link is ever stored.
 */
export function approvalLink(deps: ServiceDeps, approval: ApprovalRecord, index: number): Promise<string> {
  const approver = approval.approvers[index];
  if (!approver) throw new Error(`approval ${approval.id} has no approver ${index}`);
  return deps.tokens
    .sign(
      {
        purpose: "approval",
        subject: approval.id,
        expiresAt: approval.expiresAt + deps.approvals.linkGraceMs,
        extra: { apr: String(index) },
      },
      approval.createdAt,
      approver.tokenId,
    )
    .then((token) => `${deps.publicUrl}/a/${token}`);
}

export async function getApproval(deps: ServiceDeps, id: string): Promise<ApprovalRecord> {
  const approval = await deps.store.approvals.getApproval(id);
  if (!approval) throw new TaskgateError("approval_not_found", `no approval with id ${id}`);
  return approval;
}

export function listApprovals(deps: ServiceDeps, filter: ApprovalFilter): Promise<Page<ApprovalRecord>> {
  return deps.store.approvals.listApprovals(filter);
}

/** Cancels a pending approval. CDF is not told (like a cancelled wait); its links show "cancelled". */
export async function cancelApproval(deps: ServiceDeps, id: string, actor = "api"): Promise<ApprovalRecord> {
  const pending = (await deps.store.approvals.getApproval(id))?.status === "pending";
  const now = deps.clock.now();
  const approval = await deps.store.approvals.cancelApproval(id, now, [
    auditEntry(deps, now, "approval.cancelled", actor, { approvalId: id }),
  ]);
  if (!approval) throw new TaskgateError("approval_not_found", `no approval with id ${id}`);
  if (approval.status !== "cancelled") {
    throw new TaskgateError("approval_closed", `the approval is already ${approval.status}`, {
      details: { status: approval.status },
    });
  }
  // Cancelled by this call, not an earlier one: counted once.
  if (pending) deps.metrics.approvals.labels("cancelled").inc();
  deps.logger.info("approval cancelled", { approvalId: id });
  return approval;
}
