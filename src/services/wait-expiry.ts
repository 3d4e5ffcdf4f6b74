import type { Ids } from "../ports/ids.js";
import type { WaitRecord } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";

/**
 * The entry of a wait closed past its expiry (by the sweep, or by a new wait for its key), written
 * in the step that expires it: no state change without its entry.
 */
export function waitExpiredEntry(ids: Ids, at: number, w: WaitRecord) {
  return auditEntry(
    { ids },
    at,
    "wait.expired",
    "system",
    { waitId: w.id },
    { taskId: w.taskId, source: w.source, correlationKey: w.correlationKey, expiresAt: w.expiresAt },
  );
}
