import type { DeliveryRecord } from "./records.js";

/**
 * The `detail` of a webhook answer that could puzzle whoever sent it: why it was parked, and
 * what a duplicate is a duplicate of. Rerunning a walkthrough step then explains itself.
 */
export function parkedDetail(source: string, correlationKey: string, parkUntil: number): string {
  return `no open wait for source "${source}" and correlation key "${correlationKey}": parked until ${iso(parkUntil)}; the first wait registered for that key before then takes it`;
}

export function duplicateDetail(earlier: Pick<DeliveryRecord, "id" | "status" | "createdAt">): string {
  return `same message id as delivery ${earlier.id} (received ${iso(earlier.createdAt)}, now ${earlier.status}): nothing new was stored; send a new message id to deliver again`;
}

/**
 * The `detail` of a new wait that a parked webhook closed at once: the webhook came first (or is
 * left over from an earlier try with the same key), and its result is what goes to CDF.
 */
export function releasedDetail(source: string, correlationKey: string, deliveryId: string): string {
  return `a webhook parked earlier for source "${source}" and correlation key "${correlationKey}" (delivery ${deliveryId}) was handed to this wait at once, so it is already closed and that webhook's result goes to CDF`;
}

/**
 * Why a webhook was stored as ignored: the status expression's reason when it gave something that
 * is not a CDF status, else that it said "not for us". Nothing of the payload is repeated.
 */
export function ignoredDetail(reason: string | null | undefined): string {
  return `nothing goes to CDF: ${reason ?? "the source's status expression gave null for this payload (not for this source)"}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
