import { assertOutputSize, mergeOutput } from "../core/output.js";
import type { TaskUpdate } from "../core/task-status.js";
import type { DeliveryRecord, WaitRecord } from "../ports/store.js";
import type { ServiceDeps } from "./deps.js";

/** The update CDF gets for a wait: its template, the result's output over it, and taskgate's block. */
export function updateForWait(
  update: TaskUpdate,
  wait: WaitRecord,
  meta: { deliveryId: string; source: string | null; receivedAt: number },
): TaskUpdate & { output: Record<string, unknown> } {
  const output = mergeOutput(mergeOutput(wait.output, update.output), {
    taskgate: { ...meta, waitId: wait.id },
  });
  assertOutputSize(output);
  return { status: update.status, output };
}

/** A new delivery record; callbacks and webhooks differ only in the fields they pass. */
export function draftDelivery(
  deps: ServiceDeps,
  now: number,
  d: Pick<DeliveryRecord, "id" | "status" | "update" | "resultHash" | "source"> &
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
    deliverUntil: Math.max(wait?.expiresAt ?? 0, now + deps.minRetryWindowMs),
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
