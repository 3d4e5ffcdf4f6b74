import type { TaskUpdate } from "./task-status.js";

export type WaitStatus = "open" | "closed" | "cancelled" | "expired";

/** A registered wait: "complete task T when a callback for it arrives". */
export interface WaitRecord {
  id: string;
  taskId: string;
  /** Known when the wait was registered by execution, or given; lets the forwarder reconcile. */
  executionId: string | null;
  taskExternalId: string | null;
  source: string | null;
  correlationKey: string | null;
  status: WaitStatus;
  /** Output template merged under the callback's output. */
  output: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  expiresAt: number;
  closedAt: number | null;
  /** The delivery that closed the wait. */
  deliveryId: string | null;
  /** Fingerprint of the content that closed the wait (its delivery's contentHash): a retried callback with the same one is a duplicate, another one a conflict. */
  closedWithHash: string | null;
}

/**
 * pending → delivered | dead: on its way to CDF. parked: a webhook whose wait does not exist yet
 * (released to pending when it appears, expired after the source's parkUnmatchedFor). ignored: a
 * webhook whose mapping says it is not for us. All are kept, so a retried webhook is a duplicate.
 */
export type DeliveryStatus = "pending" | "delivered" | "dead" | "parked" | "ignored" | "expired";

/** An accepted callback or webhook, and its way to CDF. */
export interface DeliveryRecord {
  id: string;
  waitId: string | null;
  /** Null while the delivery has no wait (parked, ignored, expired). */
  taskId: string | null;
  executionId: string | null;
  source: string | null;
  /** The webhook's correlation key (parked deliveries are matched by it). */
  correlationKey: string | null;
  /** The provider's message id or the source's dedupeKey: one delivery per (source, key). */
  dedupeKey: string | null;
  /** Parked deliveries expire at this instant. */
  parkUntil: number | null;
  /** Why an ignored webhook was ignored, when a reason is known. */
  reason: string | null;
  status: DeliveryStatus;
  update: TaskUpdate;
  /** Fingerprint of what the sender sent (a callback's body, a webhook's mapped update), to tell a retry from a conflict. */
  contentHash: string;
  attempts: number;
  /**
   * How many times a worker has leased it (accepting with a lease counts). More leases than
   * recorded attempts means a worker died or lost its lease mid-attempt: CDF may have applied it.
   */
  claims: number;
  nextAttemptAt: number;
  /** Forwarding is given up after this instant (dead-lettered). */
  deliverUntil: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  lastStatus: number | null;
  lastRequestId: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}
