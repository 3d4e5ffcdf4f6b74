import type { AuditDraft } from "../core/audit/entry.js";
import type { TaskUpdate } from "../core/task-status.js";
import type { ApprovalStore } from "./approval-store.js";
import type { AuditStore } from "./audit-store.js";
import type { InstanceStore } from "./instances.js";
import type { Page } from "./page.js";
import type { RejectionStore } from "./rejection-store.js";
import type { BulkReplayFilter, PurgeKind } from "./retention.js";
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  WaitRecord,
  WaitStatus,
} from "./store-records.js";
import type { TaskActivity } from "./task-activity.js";

export type { Page } from "./page.js";
export type { BulkReplayFilter, PurgeKind } from "./retention.js";
export type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  WaitRecord,
  WaitStatus,
} from "./store-records.js";

export interface WaitFilter {
  status?: WaitStatus;
  source?: string;
  taskId?: string;
  correlationKey?: string;
  cursor?: string;
  limit: number;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  waitId?: string;
  source?: string;
  correlationKey?: string;
  /** Arrived (createdAt) at or after this instant. */
  since?: number;
  /** Arrived (createdAt) before this instant. */
  until?: number;
  cursor?: string;
  limit: number;
}

export type ReceiveResult =
  | { kind: "stored"; delivery: DeliveryRecord }
  | { kind: "duplicate"; delivery: DeliveryRecord }
  | { kind: "wait_gone" };

export type AcceptResult =
  | { kind: "accepted"; delivery: DeliveryRecord }
  | { kind: "duplicate"; wait: WaitRecord }
  | { kind: "closed"; wait: WaitRecord }
  | { kind: "not_found" };

export interface AcceptCallbackInput {
  waitId: string;
  now: number;
  /** The delivery to insert if (and only if) the wait is open and unexpired at `now`. */
  delivery: DeliveryRecord;
  /** Audit entries written with the delivery, and only if it is. */
  audit?: readonly AuditDraft[];
}

/** What the forwarder records after one attempt; written only while it still holds the lease. */
export type AttemptOutcome =
  | { kind: "delivered" | "reconciled"; attempt: AttemptRecord }
  | { kind: "retry"; attempt: AttemptRecord; nextAttemptAt: number }
  | { kind: "dead"; attempt: AttemptRecord };

/**
 * The one persistence port. Every method is a single atomic step whose atomicity does not need an
 * interactive transaction (D1 has none): conditional writes, run in one transaction or batch.
 * A write's `audit` drafts are part of its step: they land if, and only if, its change does.
 */
export interface Store {
  /** Approvals and their mail outbox, over the same database. */
  readonly approvals: ApprovalStore;
  /** The hash-chained audit log, over the same database. */
  readonly audit: AuditStore;
  /** Heartbeats of running processes and takeover of a dead one's leases. */
  readonly instances: InstanceStore;
  /** The rejected-request log, over the same database. */
  readonly rejections: RejectionStore;
  /** Cheap round trip for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Inserts an open wait. Returns false when another open, unexpired wait holds the same
   * (source, correlationKey). Open waits for that key that have expired are closed first.
   */
  createWait(wait: WaitRecord, audit?: readonly AuditDraft[]): Promise<boolean>;
  getWait(id: string): Promise<WaitRecord | undefined>;
  listWaits(filter: WaitFilter): Promise<Page<WaitRecord>>;
  /** Cancels an open wait; returns the wait as it now is (undefined if unknown). */
  cancelWait(id: string, now: number, audit?: readonly AuditDraft[]): Promise<WaitRecord | undefined>;
  /**
   * Marks every open wait past its expiry as expired (only those of `scope`'s key, if given);
   * returns how many. With `entry`, each expired wait gets its entry in the step that expires it.
   */
  expireWaits(
    now: number,
    entry?: (wait: WaitRecord) => AuditDraft,
    scope?: { source: string; correlationKey: string },
  ): Promise<number>;

  /**
   * Closes an open wait and inserts its delivery in one atomic step; otherwise tells why not.
   * The delivery may be inserted already leased to the caller, to forward it without a claim.
   */
  acceptCallback(input: AcceptCallbackInput): Promise<AcceptResult>;

  /**
   * Leases up to `limit` deliveries that are due (pending and next attempt reached, with no live
   * lease) to `owner` until `now + leaseMs`, and returns them.
   */
  claimDue(now: number, owner: string, leaseMs: number, limit: number): Promise<DeliveryRecord[]>;
  /** The earliest instant a pending delivery can be claimed (due, lease run out), for the timer. */
  nextDueAt(): Promise<number | undefined>;
  /** Records an attempt; returns false (writing nothing) if `owner` no longer holds the lease. */
  recordAttempt(
    id: string,
    owner: string,
    now: number,
    outcome: AttemptOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean>;
  getDelivery(id: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(filter: DeliveryFilter): Promise<Page<DeliveryRecord>>;
  listAttempts(deliveryId: string): Promise<AttemptRecord[]>;
  /**
   * Stores a webhook: matched to `waitId` (closing that wait, as acceptCallback does), or parked,
   * or ignored, as `delivery.status` says. Nothing is stored when a delivery with the same
   * (source, dedupeKey) exists: that one is returned as the duplicate. When the matched wait is
   * no longer open, nothing is stored and the result says so (the caller parks it instead).
   */
  receiveWebhook(input: {
    delivery: DeliveryRecord;
    waitId: string | null;
    now: number;
    /** Written with the delivery, and only if it is stored. */
    audit?: readonly AuditDraft[];
  }): Promise<ReceiveResult>;
  /** The open, unexpired wait for (source, correlationKey), if any. */
  findOpenWait(source: string, correlationKey: string, now: number): Promise<WaitRecord | undefined>;
  /** The oldest parked, unexpired delivery for (source, correlationKey), if any. */
  findParked(source: string, correlationKey: string, now: number): Promise<DeliveryRecord | undefined>;
  /**
   * Releases a parked delivery to a wait in one atomic step: the wait closes and the delivery
   * becomes pending with `update` only if the wait is still open and the delivery still parked.
   */
  releaseParked(input: {
    deliveryId: string;
    wait: WaitRecord;
    update: TaskUpdate;
    contentHash: string;
    deliverUntil: number;
    now: number;
    audit?: readonly AuditDraft[];
  }): Promise<boolean>;
  /**
   * Marks parked deliveries past parkUntil as expired; returns how many. With `entry`, each
   * expired delivery gets its entry in the step that expires it.
   */
  expireParked(now: number, entry?: (delivery: DeliveryRecord) => AuditDraft): Promise<number>;
  /** What taskgate knows of a task (delivered update, open waits, pending approvals) at `now`. */
  taskActivity(taskId: string, now: number): Promise<TaskActivity>;
  /** Queues a dead or delivered delivery again; undefined if unknown, false if not replayable. */
  replayDelivery(
    id: string,
    now: number,
    deliverUntil: number,
    audit?: readonly AuditDraft[],
  ): Promise<DeliveryRecord | false | undefined>;
  /** How many deliveries are in each state (the console's overview). */
  countDeliveries(): Promise<Record<DeliveryStatus, number>>;
  /**
   * How many deliveries are pending (accepted, not yet delivered or dead), counting at most
   * `limit`: an index walk bounded by the cap, cheap enough to run every second (load shedding).
   */
  countPending(limit: number): Promise<number>;
  /**
   * An operator discards a parked delivery: it becomes `ignored` with `reason` and is never sent.
   * Undefined if unknown, false (writing nothing) if it is no longer parked.
   */
  discardParked(
    id: string,
    now: number,
    reason: string,
    audit?: readonly AuditDraft[],
  ): Promise<DeliveryRecord | false | undefined>;

  /**
   * Queues again up to `limit` deliveries matching `filter`, oldest first, in one statement with
   * the same condition as replayDelivery (a delivery that changed state meanwhile is skipped).
   * Returns how many were queued. With `audit` (the bulk action's entry, naming no delivery),
   * each delivery queued gets its own copy, `entryForDelivery(audit, id)`, in the same step: the
   * replay is in that delivery's history. No delivery queued, no entry.
   */
  replayDeliveries(
    filter: BulkReplayFilter,
    now: number,
    deliverUntil: number,
    limit: number,
    audit?: AuditDraft,
  ): Promise<number>;
  /** How many deliveries match `filter`, counting at most `limit` (a bulk replay's dry run). */
  countReplayable(filter: BulkReplayFilter, limit: number): Promise<number>;

  /**
   * Retention: deletes up to `limit` rows of `kind` older than `before` (with their attempts,
   * decisions and mails) in one short atomic step, oldest first; returns how many rows of `kind`.
   * Never an open wait, a pending or parked delivery, an undecided approval, nor a wait or an
   * approval whose delivery is still kept. The store may delete fewer than `limit` per call.
   */
  purgeBatch(kind: PurgeKind, before: number, limit: number): Promise<number>;
  /** How many rows of `kind` purgeBatch would delete at `before` (a purge's dry run). */
  countPurgeable(kind: PurgeKind, before: number): Promise<number>;
}
