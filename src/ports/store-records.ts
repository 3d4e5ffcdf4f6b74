/**
 * The records the store keeps for waits, deliveries and attempts; shared by both store ports.
 * Waits and deliveries are core's (drafting and settling decide on them); attempts are the store's.
 */
export type { DeliveryRecord, DeliveryStatus, WaitRecord, WaitStatus } from "../core/records.js";

/** One forwarding attempt, as shown by GET /v1/deliveries/:id. */
export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  finishedAt: number;
  outcome: "delivered" | "reconciled" | "retry" | "dead";
  httpStatus: number | null;
  requestId: string | null;
  error: string | null;
}
