import { jsonByteLength } from "./canonical-json.js";
import { TaskgateError } from "./errors.js";
import { assertMergedOutputSize, assertOutputAllowed, mergeOutput } from "./output.js";
import type { DeliveryRecord, WaitRecord } from "./records.js";
import type { TaskUpdate } from "./task-status.js";

/**
 * The update CDF gets for a wait: its template, the result's output over it, and taskgate's block.
 * `outputBytes`: the serialised size of `update.output` when the caller has measured it, so the
 * size check adds up the parts instead of serialising the merge.
 */
export function updateForWait(
  update: TaskUpdate,
  wait: WaitRecord,
  meta: { deliveryId: string; source: string | null; receivedAt: number },
  outputBytes?: number,
): TaskUpdate & { output: Record<string, unknown> } {
  const block = { taskgate: { ...meta, waitId: wait.id } };
  const output = mergeOutput(mergeOutput(wait.output, update.output), block);
  assertMergedOutputSize(
    output,
    outputBytes === undefined
      ? undefined
      : outputBytes + jsonByteLength(wait.output ?? {}) + jsonByteLength(block),
  );
  return { status: update.status, output };
}

/**
 * Throws unless a webhook's mapped output could be forwarded as it is: no reserved key, finite,
 * not too deep, and under the size limit once taskgate's block is added (a wait id is as long as
 * a delivery id). A wait's template can only add to it; that is checked when the wait registers.
 * Returns the output's serialised size (for `updateForWait`).
 */
export function assertParkable(
  update: TaskUpdate,
  meta: { deliveryId: string; source: string | null; receivedAt: number },
): number {
  const output = update.output ?? {};
  const bytes = assertOutputAllowed(output);
  const block = { taskgate: { ...meta, waitId: meta.deliveryId } };
  assertMergedOutputSize(mergeOutput(output, block), bytes + jsonByteLength(block));
  return bytes;
}

/**
 * Until when a delivery is forwarded: at least `minRetryWindowMs` after it arrived, and never
 * less than its wait's own lifetime.
 */
export function deliverUntil(now: number, minRetryWindowMs: number, waitExpiresAt = 0): number {
  return Math.max(waitExpiresAt, now + minRetryWindowMs);
}

/** A new delivery record; callbacks and webhooks differ only in the fields they pass. */
export function draftDelivery(
  minRetryWindowMs: number,
  now: number,
  d: Pick<DeliveryRecord, "id" | "status" | "update" | "contentHash" | "source"> &
    Partial<Pick<DeliveryRecord, "correlationKey" | "dedupeKey" | "parkUntil" | "reason">>,
  wait?: WaitRecord,
): DeliveryRecord {
  return {
    waitId: wait?.id ?? null,
    taskId: wait?.taskId ?? null,
    executionId: wait?.executionId ?? null,
    correlationKey: null,
    dedupeKey: null,
    parkUntil: null,
    reason: null,
    ...d,
    attempts: 0,
    claims: 0,
    nextAttemptAt: now,
    deliverUntil: deliverUntil(now, minRetryWindowMs, wait?.expiresAt),
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
  };
}

/** What a callback to a wait that no longer takes one amounts to. */
export interface SettledCallback {
  outcome: "duplicate";
  deliveryId: string;
  waitId: string;
}

/**
 * A callback for a wait that is not open (or expired): the same result that closed it is a
 * duplicate (the sender retried); anything else is refused with `wait_closed`, never forwarded.
 */
export function settledCallback(
  wait: Pick<WaitRecord, "id" | "status" | "closedWithHash" | "deliveryId">,
  bodyHash: string,
): SettledCallback {
  if (wait.status === "closed" && wait.closedWithHash === bodyHash && wait.deliveryId) {
    return { outcome: "duplicate", deliveryId: wait.deliveryId, waitId: wait.id };
  }
  const state = wait.status === "open" ? "expired" : wait.status;
  throw new TaskgateError(
    "wait_closed",
    state === "closed"
      ? "the wait was already completed with a different result"
      : `the wait is ${state} and accepts no callback`,
    { details: { waitId: wait.id, status: state } },
  );
}
