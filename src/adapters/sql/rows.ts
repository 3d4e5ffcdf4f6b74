import type { Insertable, Selectable } from "kysely";
import type { UpdateStatus } from "../../core/task-status.js";
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  WaitRecord,
  WaitStatus,
} from "../../ports/store.js";
import type { AttemptsTable, DeliveriesTable, WaitsTable } from "./schema.js";

// PostgreSQL returns BIGINT as a string; every dialect goes through these so records are numbers.
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = (v: string | null): Record<string, unknown> | null => (v === null ? null : JSON.parse(v));

export function waitFromRow(r: Selectable<WaitsTable>): WaitRecord {
  return {
    id: r.id,
    taskId: r.task_id,
    executionId: r.execution_id,
    taskExternalId: r.task_external_id,
    source: r.source,
    correlationKey: r.correlation_key,
    status: r.status as WaitStatus,
    output: json(r.output_json),
    metadata: json(r.metadata_json),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    closedAt: numOrNull(r.closed_at),
    deliveryId: r.delivery_id,
    closedWithHash: r.result_hash,
  };
}

export function waitToRow(w: WaitRecord): Insertable<WaitsTable> {
  return {
    id: w.id,
    task_id: w.taskId,
    execution_id: w.executionId,
    task_external_id: w.taskExternalId,
    source: w.source,
    correlation_key: w.correlationKey,
    status: w.status,
    output_json: w.output === null ? null : JSON.stringify(w.output),
    metadata_json: w.metadata === null ? null : JSON.stringify(w.metadata),
    created_at: w.createdAt,
    expires_at: w.expiresAt,
    closed_at: w.closedAt,
    delivery_id: w.deliveryId,
    result_hash: w.closedWithHash,
  };
}

export function deliveryFromRow(r: Selectable<DeliveriesTable>): DeliveryRecord {
  const update = JSON.parse(r.update_json) as { status: UpdateStatus; output?: Record<string, unknown> };
  return {
    id: r.id,
    waitId: r.wait_id,
    taskId: r.task_id,
    executionId: r.execution_id,
    source: r.source,
    correlationKey: r.correlation_key,
    dedupeKey: r.dedupe_key,
    parkUntil: numOrNull(r.park_until),
    reason: r.reason,
    status: r.status as DeliveryStatus,
    update,
    contentHash: r.result_hash,
    attempts: num(r.attempts),
    claims: num(r.claims),
    nextAttemptAt: num(r.next_attempt_at),
    deliverUntil: num(r.deliver_until),
    leaseOwner: r.lease_owner,
    leaseUntil: numOrNull(r.lease_until),
    lastError: r.last_error,
    lastStatus: numOrNull(r.last_status),
    lastRequestId: r.last_request_id,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    deliveredAt: numOrNull(r.delivered_at),
  };
}

export function deliveryToRow(d: DeliveryRecord): Insertable<DeliveriesTable> {
  return {
    id: d.id,
    wait_id: d.waitId,
    task_id: d.taskId,
    execution_id: d.executionId,
    source: d.source,
    correlation_key: d.correlationKey,
    dedupe_key: d.dedupeKey,
    park_until: d.parkUntil,
    reason: d.reason,
    status: d.status,
    update_json: JSON.stringify(d.update),
    result_hash: d.contentHash,
    attempts: d.attempts,
    claims: d.claims,
    next_attempt_at: d.nextAttemptAt,
    deliver_until: d.deliverUntil,
    lease_owner: d.leaseOwner,
    lease_until: d.leaseUntil,
    due_at: Math.max(d.nextAttemptAt, d.leaseUntil ?? 0),
    last_error: d.lastError,
    last_status: d.lastStatus,
    last_request_id: d.lastRequestId,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    delivered_at: d.deliveredAt,
  };
}

export function attemptFromRow(r: AttemptsTable): AttemptRecord {
  return {
    deliveryId: r.delivery_id,
    attempt: num(r.attempt),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    outcome: r.outcome as AttemptRecord["outcome"],
    httpStatus: numOrNull(r.http_status),
    requestId: r.request_id,
    error: r.error,
  };
}

export function attemptToRow(a: AttemptRecord): AttemptsTable {
  return {
    delivery_id: a.deliveryId,
    attempt: a.attempt,
    started_at: a.startedAt,
    finished_at: a.finishedAt,
    outcome: a.outcome,
    http_status: a.httpStatus,
    request_id: a.requestId,
    error: a.error,
  };
}
