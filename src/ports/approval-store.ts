import type { ApprovalPolicy, ApprovalStatus, Decision } from "../core/approval-policy.js";
import type { AuditDraft } from "../core/audit/entry.js";
import type { Page } from "./page.js";
import type { DeliveryRecord } from "./store-records.js";

/** One person asked to decide; `tokenId` is the unique id bound into their link. */
export interface ApproverRecord {
  email: string;
  name: string | null;
  tokenId: string;
}

/** Who asked for an approval, as the caller said; shown to approvers so they know whom to ask. */
export interface RequesterRecord {
  name: string | null;
  email: string | null;
}

/** A decision as recorded: who, when, what, and from where (for the audit trail). */
export interface DecisionRecord {
  approverIndex: number;
  email: string;
  decision: Decision;
  comment: string | null;
  decidedAt: number;
  ip: string | null;
  userAgent: string | null;
}

/** What a rejection or an expiry sends to CDF: FAILED_WITH_TERMINAL_ERROR, or COMPLETED. */
export type EndingMode = "fail" | "complete";

export interface ApprovalRecord {
  id: string;
  taskId: string;
  executionId: string | null;
  taskExternalId: string | null;
  title: string;
  description: string | null;
  /** Who asked, when the request said (optional in the API). */
  requestedBy: RequesterRecord | null;
  policy: ApprovalPolicy;
  approvers: ApproverRecord[];
  onReject: EndingMode;
  onExpire: EndingMode;
  /** Whether taskgate mails the links (else the caller hands them out). */
  notify: boolean;
  status: ApprovalStatus;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  expiresAt: number;
  closedAt: number | null;
  /** The delivery that carries the outcome to CDF, once there is one. */
  deliveryId: string | null;
  /** Bumped by every change; a change is written only against the version it was computed from. */
  version: number;
  /** In the order the store serialised them. */
  decisions: DecisionRecord[];
}

/** pending → sent | dead (gave up) | skipped (the approval had ended before it went out). */
export type MailStatus = "pending" | "sent" | "dead" | "skipped";

/** One approver's notification, kept in an outbox so a failed send never loses the approval. */
export interface MailRecord {
  id: string;
  approvalId: string;
  approverIndex: number;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: number;
  /** Retrying stops after this instant (the approval's expiry). */
  sendUntil: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  messageId: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

export interface ApprovalFilter {
  status?: ApprovalStatus;
  taskId?: string;
  cursor?: string;
  limit: number;
}

export type MailOutcome =
  | { kind: "sent"; messageId: string | null }
  | { kind: "retry"; nextAttemptAt: number; error: string }
  | { kind: "dead" | "skipped"; error: string };

/**
 * Approvals and their mail outbox. Like the rest of the store, every write is one atomic step of
 * conditional statements (no interactive transaction), so it runs on D1 as well.
 */
export interface ApprovalStore {
  /** Inserts the approval and its mails together. */
  createApproval(
    approval: ApprovalRecord,
    mails: readonly MailRecord[],
    audit?: readonly AuditDraft[],
  ): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  listApprovals(filter: ApprovalFilter): Promise<Page<ApprovalRecord>>;
  /**
   * Moves a pending approval one step, only if its version is still `version` (nobody moved it
   * since the caller read it): appends `decision`, and with `close` ends it with that status and
   * inserts the delivery that tells CDF. A decision needs the approval unexpired at `now`; a close
   * without a decision (expiry) needs it expired. Returns false, writing nothing, otherwise.
   */
  advanceApproval(input: {
    approvalId: string;
    version: number;
    /** A fresh id naming this step; the statements after the first check it was this caller's. */
    stepId: string;
    now: number;
    decision: DecisionRecord | null;
    close: { status: "approved" | "rejected" | "expired"; delivery: DeliveryRecord } | null;
    /** Written with the step, and only if it is this caller's. */
    audit?: readonly AuditDraft[];
  }): Promise<boolean>;
  /** Cancels a pending approval (no CDF update); returns it as it now is. */
  cancelApproval(id: string, now: number, audit?: readonly AuditDraft[]): Promise<ApprovalRecord | undefined>;
  /** Pending approvals past their expiry, oldest first, for the sweep to close. */
  findExpiredApprovals(now: number, limit: number): Promise<ApprovalRecord[]>;

  /** Leases up to `limit` due mails to `owner` until `now + leaseMs`. */
  claimMails(now: number, owner: string, leaseMs: number, limit: number): Promise<MailRecord[]>;
  /** Records a send's outcome; false (writing nothing) if `owner` no longer holds the lease. */
  recordMail(
    id: string,
    owner: string,
    now: number,
    outcome: MailOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean>;
  listMails(approvalId: string): Promise<MailRecord[]>;
  /** Every mail, newest first, optionally in one state (the console's outbox). */
  listOutbox(filter: {
    status?: MailStatus | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<MailRecord>>;
  getMail(id: string): Promise<MailRecord | undefined>;
  /**
   * Queues a mail that is not pending (sent, dead, skipped) again, due at `now`, retried until
   * `sendUntil`. Undefined if unknown, false (writing nothing) if it is pending already.
   */
  resendMail(
    id: string,
    now: number,
    sendUntil: number,
    audit?: readonly AuditDraft[],
  ): Promise<MailRecord | false | undefined>;
  /** The earliest instant a pending mail can be claimed, for the outbox timer. */
  nextMailDueAt(): Promise<number | undefined>;
}
