/**
 * What retention deletes, one kind per rule of `retention` in the config. Deliveries are aged by
 * `updatedAt` (when they settled); waits and approvals by `closedAt`. Open waits, pending or
 * parked deliveries and undecided approvals are never any kind's.
 */
export type PurgeKind = "delivered" | "dead" | "ignored" | "expired" | "waits" | "approvals";

export const PURGE_KINDS: readonly PurgeKind[] = [
  "delivered",
  "dead",
  "ignored",
  "expired",
  "waits",
  "approvals",
];

/** Which deliveries a bulk replay queues again; times are on `createdAt` (when it arrived). */
export interface BulkReplayFilter {
  status: "dead" | "delivered";
  source?: string | undefined;
  /** Arrived at or after this instant (epoch ms). */
  since?: number | undefined;
  /** Arrived before this instant (epoch ms). */
  until?: number | undefined;
}
