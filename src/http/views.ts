import type { AttemptRecord, DeliveryRecord, WaitRecord } from "../ports/store.js";
import type { DeliveryApiView, DeliveryDetailView, WaitView } from "./view-schemas.js";

/** The API's view of a wait; stored hashes stay inside. */
export function waitView(w: WaitRecord): WaitView {
  return {
    id: w.id,
    taskId: w.taskId,
    executionId: w.executionId,
    taskExternalId: w.taskExternalId,
    source: w.source,
    correlationKey: w.correlationKey,
    status: w.status,
    output: w.output,
    metadata: w.metadata,
    createdAt: w.createdAt,
    expiresAt: w.expiresAt,
    closedAt: w.closedAt,
    deliveryId: w.deliveryId,
  };
}

/** The API's view of a delivery; lease bookkeeping stays inside. With `history`, every attempt. */
export function deliveryView(d: DeliveryRecord): DeliveryApiView;
export function deliveryView(d: DeliveryRecord, history: AttemptRecord[]): DeliveryDetailView;
export function deliveryView(d: DeliveryRecord, history?: AttemptRecord[]): DeliveryApiView {
  return {
    id: d.id,
    waitId: d.waitId,
    taskId: d.taskId,
    executionId: d.executionId,
    source: d.source,
    correlationKey: d.correlationKey,
    dedupeKey: d.dedupeKey,
    status: d.status,
    reason: d.reason,
    parkUntil: d.parkUntil,
    update: d.update,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
    deliverUntil: d.deliverUntil,
    lastError: d.lastError,
    lastStatus: d.lastStatus,
    lastRequestId: d.lastRequestId,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    deliveredAt: d.deliveredAt,
    ...(history ? { history: history.map(({ deliveryId: _, ...a }) => a) } : {}),
  };
}
