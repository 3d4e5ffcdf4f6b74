import { type ApprovalOutcome, type Decision, outcomeOf } from "../core/approval-policy.js";
import { canonicalJson } from "../core/canonical-json.js";
import { draftDelivery } from "../core/delivery-draft.js";
import { TaskgateError } from "../core/errors.js";
import { assertOutputSize } from "../core/output.js";
import type { TaskUpdate } from "../core/task-status.js";
import type { ApprovalRecord, DecisionRecord } from "../ports/approval-store.js";
import type { DeliveryRecord } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";
import type { ServiceDeps } from "./deps.js";

/** A verified link: the approval it opens and whose link it is. */
export interface OpenedLink {
  approval: ApprovalRecord;
  approverIndex: number;
}

/**
 * Verifies an approval link. Throws `token_expired`, or `token_invalid` for anything forged,
 * minted for another purpose, or naming an approval or approver that does not match: the token
 * id must be the one stored for that approver, so a link is useless anywhere else.
 */
export async function openLink(deps: ServiceDeps, token: string): Promise<OpenedLink> {
  const claims = await deps.tokens.verify(token, "approval", deps.clock.now());
  const approval = await deps.store.approvals.getApproval(claims.sub);
  const index = typeof claims.apr === "string" && /^\d{1,3}$/.test(claims.apr) ? Number(claims.apr) : -1;
  const approver = approval?.approvers[index];
  if (!approval || !approver || approver.tokenId !== claims.jti) {
    throw new TaskgateError("token_invalid", "the token is not valid");
  }
  return { approval, approverIndex: index };
}

export type DecideResult =
  /** Recorded; `approval` is as it stands after the decision (possibly ended by it). */
  | { kind: "recorded"; approval: ApprovalRecord }
  /** This approver had decided already: the same decision again is harmless, another is refused. */
  | { kind: "already_decided" | "decision_conflict"; approval: ApprovalRecord }
  /** The approval ended (or was cancelled) before this decision. */
  | { kind: "too_late"; approval: ApprovalRecord }
  | { kind: "expired"; approval: ApprovalRecord };

export interface DecisionInput {
  decision: Decision;
  comment: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Records one approver's decision. The policy is evaluated on the decisions as read, and the
 * result written against that version; if another decision landed in between, it reads again.
 * Each approver decides once, so this loops at most once per approver.
 */
export async function decide(
  deps: ServiceDeps,
  link: OpenedLink,
  input: DecisionInput,
): Promise<DecideResult> {
  let approval = link.approval;
  const approver = approval.approvers[link.approverIndex]!;
  for (let round = 0; round <= approval.approvers.length + 1; round++) {
    const now = deps.clock.now();
    const mine = approval.decisions.find((d) => d.approverIndex === link.approverIndex);
    if (mine)
      return { kind: mine.decision === input.decision ? "already_decided" : "decision_conflict", approval };
    if (approval.status === "expired") return { kind: "expired", approval };
    if (approval.status !== "pending") return { kind: "too_late", approval };
    if (approval.expiresAt <= now) {
      await expireApproval(deps, approval);
      return { kind: "expired", approval: (await deps.store.approvals.getApproval(approval.id)) ?? approval };
    }

    const decision: DecisionRecord = {
      approverIndex: link.approverIndex,
      email: approver.email,
      decision: input.decision,
      comment: input.comment,
      decidedAt: now,
      ip: input.ip,
      userAgent: input.userAgent,
    };
    const decisions = [...approval.decisions, decision];
    const outcome = outcomeOf(approval.policy, approval.approvers.length, decisions);
    const ending = outcome ? await endingDelivery(deps, { ...approval, decisions }, outcome, now) : null;
    const moved = await deps.store.approvals.advanceApproval({
      approvalId: approval.id,
      version: approval.version,
      stepId: deps.ids.newId(),
      now,
      decision,
      close: outcome && ending ? { status: outcome, delivery: ending.delivery } : null,
      audit: [
        auditEntry(
          deps,
          now,
          "approval.decided",
          `approver:${approver.email}`,
          { approvalId: approval.id },
          {
            approverIndex: link.approverIndex,
            email: approver.email,
            decision: input.decision,
            comment: input.comment,
            ip: input.ip,
            userAgent: input.userAgent,
          },
        ),
        ...(outcome && ending
          ? [
              auditEntry(
                deps,
                now,
                "approval.closed",
                "system",
                { approvalId: approval.id, deliveryId: ending.delivery.id },
                { outcome, taskId: approval.taskId },
              ),
            ]
          : []),
      ],
    });
    if (moved) {
      deps.logger.info("approval decision recorded", {
        approvalId: approval.id,
        approver: link.approverIndex,
        decision: input.decision,
        outcome,
      });
      if (ending) {
        deps.metrics.approvals.labels(outcome!).inc();
        deps.dispatcher.dispatched(ending.delivery);
        deps.logger.info("approval ended", {
          approvalId: approval.id,
          outcome,
          deliveryId: ending.delivery.id,
        });
      }
      const after: ApprovalRecord = {
        ...approval,
        decisions,
        version: approval.version + 1,
        ...(outcome && ending ? { status: outcome, closedAt: now, deliveryId: ending.delivery.id } : {}),
      };
      return { kind: "recorded", approval: after };
    }
    const fresh = await deps.store.approvals.getApproval(approval.id);
    if (!fresh) throw new TaskgateError("token_invalid", "the token is not valid");
    approval = fresh;
  }
  throw new Error(`approval ${approval.id}: decision not settled after retries`);
}

/** Closes pending approvals past their expiry and tells CDF; returns how many it closed. */
export async function expireApprovals(deps: ServiceDeps, now: number, limit = 100): Promise<number> {
  let closed = 0;
  for (const approval of await deps.store.approvals.findExpiredApprovals(now, limit)) {
    if (await expireApproval(deps, approval)) closed++;
  }
  if (closed > 0) deps.logger.info("closed expired approvals", { count: closed });
  return closed;
}

async function expireApproval(deps: ServiceDeps, approval: ApprovalRecord): Promise<boolean> {
  const now = Math.max(deps.clock.now(), approval.expiresAt);
  const ending = await endingDelivery(deps, approval, "expired", now);
  const moved = await deps.store.approvals.advanceApproval({
    approvalId: approval.id,
    version: approval.version,
    stepId: deps.ids.newId(),
    now,
    decision: null,
    close: { status: "expired", delivery: ending.delivery },
    audit: [
      auditEntry(
        deps,
        now,
        "approval.closed",
        "system",
        { approvalId: approval.id, deliveryId: ending.delivery.id },
        { outcome: "expired", taskId: approval.taskId },
      ),
    ],
  });
  if (moved) {
    deps.metrics.approvals.labels("expired").inc();
    deps.dispatcher.dispatched(ending.delivery);
  }
  return moved;
}

/** What an outcome sends to CDF, following the approval's onReject / onExpire. */
function updateForOutcome(
  approval: ApprovalRecord,
  outcome: ApprovalOutcome,
  meta: { deliveryId: string; receivedAt: number },
): TaskUpdate & { output: Record<string, unknown> } {
  const completes =
    outcome === "approved" ||
    (outcome === "rejected" && approval.onReject === "complete") ||
    (outcome === "expired" && approval.onExpire === "complete");
  const output = {
    approval: {
      id: approval.id,
      outcome,
      // CDF refuses null anywhere in an output: absent fields are left out, not nulled.
      decisions: approval.decisions.map((d) => ({
        email: d.email,
        ...(approval.approvers[d.approverIndex]?.name
          ? { name: approval.approvers[d.approverIndex]!.name }
          : {}),
        decision: d.decision,
        ...(d.comment ? { comment: d.comment } : {}),
        decidedAt: d.decidedAt,
      })),
    },
    taskgate: {
      deliveryId: meta.deliveryId,
      source: "approval",
      receivedAt: meta.receivedAt,
      approvalId: approval.id,
    },
  };
  assertOutputSize(output);
  return { status: completes ? "COMPLETED" : "FAILED_WITH_TERMINAL_ERROR", output };
}

async function endingDelivery(
  deps: ServiceDeps,
  approval: ApprovalRecord,
  outcome: ApprovalOutcome,
  now: number,
): Promise<{ delivery: DeliveryRecord }> {
  const id = deps.ids.newId();
  const update = updateForOutcome(approval, outcome, { deliveryId: id, receivedAt: now });
  const contentHash = await deps.sha256(canonicalJson(update));
  const delivery = draftDelivery(deps.minRetryWindowMs, now, {
    id,
    status: "pending",
    update,
    contentHash,
    source: null,
  });
  delivery.taskId = approval.taskId;
  delivery.executionId = approval.executionId;
  deps.dispatcher.prepare(delivery, now);
  return { delivery };
}
