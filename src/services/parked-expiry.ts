import type { Ids } from "../ports/ids.js";
import type { DeliveryRecord } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";

/**
 * The entry of a parked webhook that no wait claimed before its `parkUntil` (the sweep expires
 * it), written in the step that expires it: it will never be forwarded, and its history says so.
 */
export function parkedExpiredEntry(ids: Ids, at: number, d: DeliveryRecord) {
  return auditEntry(
    { ids },
    at,
    "parked.expired",
    "system",
    { deliveryId: d.id },
    {
      source: d.source ?? undefined,
      correlationKey: d.correlationKey ?? undefined,
      parkUntil: d.parkUntil ?? undefined,
      receivedAt: d.createdAt,
    },
  );
}
