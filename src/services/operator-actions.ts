import { updateForWait } from "../core/delivery-draft.js";
import { TaskgateError } from "../core/errors.js";
import type { UpdateStatus } from "../core/task-status.js";
import type { ApprovalRecord, MailRecord } from "../ports/approval-store.js";
import type { BulkReplayFilter, DeliveryRecord, WaitRecord } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";
import { acceptCallback, type CallbackOutcome } from "./callbacks.js";
import type { ServiceDeps } from "./deps.js";
import { cancelWait } from "./waits.js";

/**
 * What an operator does from the console, each recorded with who did it. Every action goes
 * through the same paths as the API: a replay re-queues the stored delivery, completing a task by
 * hand is a delivery forwarded like any callback, and nothing here calls CDF directly.
 */

export type OperatorAction =
  | "replay"
  | "replay_bulk"
  | "cancel_wait"
  | "resolve_task"
  | "cancel_approval"
  | "resend_mail"
  | "release_parked"
  | "discard_parked";

/**
 * The one place an operator action is logged. Its audit entry is written by the store step that
 * makes the change (see `operatorEntry`), so the chain has it exactly when the change happened.
 */
export function recordOperatorAction(
  deps: ServiceDeps,
  by: string,
  action: OperatorAction,
  subject: string,
  detail: Record<string, unknown> = {},
): void {
  deps.logger.info("operator action", { action, subject, by, ...detail });
}

/** The audit entry of an operator action, naming who did it. */
function operatorEntry(
  deps: ServiceDeps,
  now: number,
  by: string,
  action: OperatorAction,
  subjects: { waitId?: string; deliveryId?: string; approvalId?: string },
  detail: Record<string, unknown> = {},
) {
  return auditEntry(deps, now, "operator.action", operatorActor(by), subjects, { action, ...detail });
}

const operatorActor = (by: string) => `operator:${by}`;

export async function replayOne(deps: ServiceDeps, by: string, id: string): Promise<DeliveryRecord> {
  const now = deps.clock.now();
  const replayed = await deps.store.replayDelivery(id, now, now + deps.minRetryWindowMs, [
    operatorEntry(deps, now, by, "replay", { deliveryId: id }),
  ]);
  if (replayed === undefined) throw new TaskgateError("delivery_not_found", "no delivery with this id");
  if (replayed === false) {
    throw new TaskgateError("delivery_not_replayable", "only dead or delivered deliveries can be replayed");
  }
  recordOperatorAction(deps, by, "replay", id);
  deps.dispatcher.kick();
  return replayed;
}

/** Most a bulk replay queues in one request; the caller sends it again for the rest (`more`). */
export const BULK_REPLAY_LIMIT = 1000;

/**
 * Queues again the deliveries that match (up to BULK_REPLAY_LIMIT, oldest first): the console's
 * dead-letter bulk replay, `POST /v1/deliveries/replay` and `taskgate deliveries replay --status`.
 * One conditional write re-checks each row's state, so a delivery that changed state meanwhile is
 * skipped, never sent twice. A dry run counts and changes nothing.
 */
export async function replayMatching(
  deps: ServiceDeps,
  by: string,
  filter: BulkReplayFilter,
  dryRun = false,
): Promise<{ count: number; more: boolean; dryRun: boolean }> {
  const { store } = deps;
  if (dryRun) {
    const n = await store.countReplayable(filter, BULK_REPLAY_LIMIT + 1);
    return { count: Math.min(n, BULK_REPLAY_LIMIT), more: n > BULK_REPLAY_LIMIT, dryRun };
  }
  const now = deps.clock.now();
  // One step queues them all; each delivery it queues gets this entry (who, which filter) with
  // itself as subject, written in that step: "who replayed this delivery, when" is in its history.
  const entry = operatorEntry(deps, now, by, "replay_bulk", {}, { ...filter });
  const count = await store.replayDeliveries(
    filter,
    now,
    now + deps.minRetryWindowMs,
    BULK_REPLAY_LIMIT,
    entry,
  );
  const more = count >= BULK_REPLAY_LIMIT && (await store.countReplayable(filter, 1)) > 0;
  recordOperatorAction(deps, by, "replay_bulk", filter.source ?? "*", { count, ...filter });
  if (count > 0) deps.dispatcher.kick();
  return { count, more, dryRun };
}

export async function cancelWaitBy(deps: ServiceDeps, by: string, id: string): Promise<WaitRecord> {
  const wait = await cancelWait(deps, id, operatorActor(by));
  recordOperatorAction(deps, by, "cancel_wait", id);
  return wait;
}

/** Completes or fails an open wait's task by hand: a delivery, forwarded like any callback. */
export async function resolveTaskBy(
  deps: ServiceDeps,
  by: string,
  waitId: string,
  status: UpdateStatus,
  reason: string | undefined,
): Promise<CallbackOutcome> {
  const outcome = await acceptCallback(
    deps,
    waitId,
    { status, ...(reason ? { output: { reason } } : {}) },
    { actor: operatorActor(by) },
  );
  recordOperatorAction(deps, by, "resolve_task", waitId, { status, deliveryId: outcome.deliveryId });
  return outcome;
}

export async function cancelApprovalBy(deps: ServiceDeps, by: string, id: string): Promise<ApprovalRecord> {
  const pending = (await deps.store.approvals.getApproval(id))?.status === "pending";
  const now = deps.clock.now();
  const approval = await deps.store.approvals.cancelApproval(id, now, [
    auditEntry(deps, now, "approval.cancelled", operatorActor(by), { approvalId: id }),
  ]);
  if (!approval) throw new TaskgateError("approval_not_found", "no approval with this id");
  if (approval.status !== "cancelled") {
    throw new TaskgateError("approval_closed", `the approval is already ${approval.status}`);
  }
  if (pending) deps.metrics.approvals.labels("cancelled").inc();
  recordOperatorAction(deps, by, "cancel_approval", id);
  return approval;
}

/** Sends an approver's mail again, while the approval still waits for them. */
export async function resendMailBy(deps: ServiceDeps, by: string, mailId: string): Promise<MailRecord> {
  const mail = await deps.store.approvals.getMail(mailId);
  if (!mail) throw new TaskgateError("mail_not_found", "no mail with this id");
  const approval = await deps.store.approvals.getApproval(mail.approvalId);
  const now = deps.clock.now();
  if (approval?.status !== "pending" || approval.expiresAt <= now) {
    throw new TaskgateError(
      "approval_closed",
      "the approval is no longer pending; its mail is not sent again",
    );
  }
  if (!deps.mailOutbox)
    throw new TaskgateError("mail_not_configured", "no mail is configured (approvals.mail)");
  const queued = await deps.store.approvals.resendMail(mailId, now, approval.expiresAt, [
    operatorEntry(deps, now, by, "resend_mail", { approvalId: approval.id }, { mailId }),
  ]);
  if (queued === undefined) throw new TaskgateError("mail_not_found", "no mail with this id");
  if (queued === false) throw new TaskgateError("invalid_request", "this mail is queued already");
  recordOperatorAction(deps, by, "resend_mail", mailId, { approvalId: approval.id });
  deps.mailOutbox.kick();
  return queued;
}

export async function discardParkedBy(deps: ServiceDeps, by: string, id: string): Promise<DeliveryRecord> {
  const now = deps.clock.now();
  const discarded = await deps.store.discardParked(id, now, `discarded by ${by}`, [
    operatorEntry(deps, now, by, "discard_parked", { deliveryId: id }),
  ]);
  if (discarded === undefined) throw new TaskgateError("delivery_not_found", "no delivery with this id");
  if (discarded === false) throw new TaskgateError("delivery_not_parked", "the delivery is no longer parked");
  recordOperatorAction(deps, by, "discard_parked", id);
  return discarded;
}

/**
 * Releases a parked webhook to a wait: the one named, or else the open wait for its source and
 * correlation key. The wait closes and the webhook becomes its delivery, in one atomic step.
 */
export async function releaseParkedBy(
  deps: ServiceDeps,
  by: string,
  id: string,
  waitId: string | undefined,
): Promise<DeliveryRecord> {
  const now = deps.clock.now();
  const parked = await deps.store.getDelivery(id);
  if (!parked) throw new TaskgateError("delivery_not_found", "no delivery with this id");
  if (parked.status !== "parked")
    throw new TaskgateError("delivery_not_parked", "the delivery is no longer parked");
  const wait = waitId
    ? await deps.store.getWait(waitId)
    : parked.source !== null && parked.correlationKey !== null
      ? await deps.store.findOpenWait(parked.source, parked.correlationKey, now)
      : undefined;
  if (!wait) {
    throw new TaskgateError(
      "wait_not_found",
      waitId
        ? `no wait with id ${waitId}`
        : "no open wait has this webhook's source and correlation key; name a wait",
    );
  }
  if (wait.status !== "open" || wait.expiresAt <= now) {
    throw new TaskgateError("wait_closed", `the wait is ${wait.status === "open" ? "expired" : wait.status}`);
  }
  const update = updateForWait(parked.update, wait, {
    deliveryId: parked.id,
    source: parked.source ?? wait.source ?? "webhook",
    receivedAt: parked.createdAt,
  });
  const released = await deps.store.releaseParked({
    deliveryId: parked.id,
    wait,
    update,
    contentHash: parked.contentHash,
    deliverUntil: Math.max(wait.expiresAt, now + deps.minRetryWindowMs),
    now,
    audit: [operatorEntry(deps, now, by, "release_parked", { deliveryId: parked.id, waitId: wait.id })],
  });
  if (!released) {
    throw new TaskgateError(
      "wait_closed",
      "the wait closed or the webhook left the park meanwhile; nothing changed",
    );
  }
  recordOperatorAction(deps, by, "release_parked", id, { waitId: wait.id });
  deps.dispatcher.kick();
  return (await deps.store.getDelivery(id)) ?? parked;
}
