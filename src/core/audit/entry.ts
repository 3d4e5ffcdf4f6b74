/**
 * One step of the audit log as the services draft it: what happened, to which wait, delivery or
 * approval, by whom, when, and the facts worth keeping (never a secret, a token or a body).
 */
export type AuditKind =
  | "webhook.received"
  | "webhook.duplicate"
  | "callback.received"
  | "parked.released"
  /** A parked webhook no wait claimed before its `parkUntil`: it will never be forwarded. */
  | "parked.expired"
  | "delivery.attempt"
  | "delivery.delivered"
  | "delivery.dead"
  | "wait.created"
  | "wait.cancelled"
  | "wait.expired"
  | "approval.created"
  | "approval.mailed"
  | "approval.decided"
  | "approval.closed"
  | "approval.cancelled"
  | "operator.action"
  /** Left by a purge of the audit log: where the remaining chain starts (see checkpoint.ts). */
  | "audit.checkpoint";

export interface AuditDraft {
  /** Sorts by creation time (uuid7): the order the sealer links unsealed entries in. */
  id: string;
  kind: AuditKind;
  at: number;
  /** Who caused it: `source:NAME`, `callback`, `approver:EMAIL`, `operator:NAME`, `system`, ... */
  actor: string;
  waitId: string | null;
  deliveryId: string | null;
  approvalId: string | null;
  data: Record<string, unknown>;
}

/** An entry once the sealer linked it into the chain: position, previous hash and its own. */
export interface SealedAuditEntry extends AuditDraft {
  seq: number;
  prevHash: string;
  hash: string;
}

/** An entry as read back: sealed, or still waiting for the sealer (seq, hashes null). */
export type AuditEntry = AuditDraft & {
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
};

/** The end of the sealed chain: the last entry's position and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The previous hash of the very first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** Builds a draft with its subjects defaulted to none. */
export function auditDraft(
  d: Pick<AuditDraft, "id" | "kind" | "at" | "actor"> &
    Partial<Pick<AuditDraft, "waitId" | "deliveryId" | "approvalId" | "data">>,
): AuditDraft {
  return {
    id: d.id,
    kind: d.kind,
    at: d.at,
    actor: d.actor,
    waitId: d.waitId ?? null,
    deliveryId: d.deliveryId ?? null,
    approvalId: d.approvalId ?? null,
    data: d.data ?? {},
  };
}

/**
 * The entry one delivery gets from a step that changes many at once (a bulk replay): `template`
 * with the delivery as its subject, so it is in that delivery's history, and an id of its own,
 * `TEMPLATE_ID:DELIVERY_ID` (unique within the step, sorted right after the template's id; a
 * store may compute the same id in SQL as `prefix || delivery id`).
 */
export function entryForDelivery(template: AuditDraft, deliveryId: string): AuditDraft {
  return { ...template, id: `${perDeliveryIdPrefix(template)}${deliveryId}`, deliveryId };
}

/** What every id `entryForDelivery` makes from `template` starts with. */
export const perDeliveryIdPrefix = (template: AuditDraft): string => `${template.id}:`;
