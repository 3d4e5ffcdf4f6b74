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

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
