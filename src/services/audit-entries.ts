import { type AuditDraft, type AuditKind, auditDraft } from "../core/audit/entry.js";
import type { ServiceDeps } from "./deps.js";

/** Where a request came from, for its audit entry (read from the request by the HTTP layer). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** A draft entry with a fresh id; the services pass these into the store step they record. */
export function auditEntry(
  deps: Pick<ServiceDeps, "ids">,
  at: number,
  kind: AuditKind,
  actor: string,
  subjects: { waitId?: string | null; deliveryId?: string | null; approvalId?: string | null },
  data: Record<string, unknown> = {},
): AuditDraft {
  return auditDraft({ id: deps.ids.newId(), kind, at, actor, ...subjects, data: withoutUndefined(data) });
}

/** Canonical JSON has no `undefined`: a missing fact is left out, not stored as null by chance. */
function withoutUndefined(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (v !== undefined) out[k] = v;
  return out;
}
