/**
 * What an approval page shows, decided by the route and rendered by the views. The views never
 * read the store or the token: everything they need is here, already checked.
 */

import type { ApprovalPolicy, ApprovalStatus, Decision } from "../../core/approval-policy.js";

export type { ApprovalPolicy, ApprovalStatus, Decision };

export interface ApproverView {
  email: string;
  name: string | null;
  /** Set once this approver has decided. */
  decision: Decision | null;
  decidedAt: number | null;
  comment: string | null;
}

/** Who asked, as the request said. */
export interface RequesterView {
  name: string | null;
  email: string | null;
}

/** How the outcome's task update is doing on its way to CDF (the approval's delivery). */
export interface DeliveryView {
  status: "pending" | "delivered" | "dead";
  deliveredAt: number | null;
  /** Why CDF refused it (dead), or the last transient error while still pending. */
  lastError: string | null;
}

export interface ApprovalView {
  id: string;
  title: string;
  /** Plain text or the small Markdown subset (paragraphs, lists, emphasis, code, http(s) links). */
  description: string | null;
  requestedBy: RequesterView | null;
  /**
   * As stored: a pending approval past `expiresAt` is expired even before the sweep closes it;
   * views read `effectiveStatus` (approval-parts.tsx), never this directly.
   */
  status: ApprovalStatus;
  policy: ApprovalPolicy;
  task: { taskId: string; taskExternalId: string | null; executionId: string | null };
  approvers: ApproverView[];
  createdAt: number;
  expiresAt: number;
  closedAt: number | null;
  /** Present once an outcome was stored (approved, rejected, expired). */
  delivery: DeliveryView | null;
}

/** Every state a link can be in; each maps to one page and one HTTP status (see `PAGE_STATUS`). */
export type PageState =
  /** GET on a pending approval this approver has not decided: the form. */
  | { kind: "open"; approval: ApprovalView; approverIndex: number; now: number; formAction: string }
  /** POST that recorded this approver's decision (the approval may or may not be final now). */
  | { kind: "recorded"; approval: ApprovalView; approverIndex: number; now: number }
  /** This approver decided earlier (GET, or a POST replayed with the same decision). */
  | { kind: "already_decided"; approval: ApprovalView; approverIndex: number; now: number }
  /** A POST with a different decision after this approver had decided. */
  | { kind: "decision_conflict"; approval: ApprovalView; approverIndex: number; now: number }
  /** The approval reached its outcome (approved, rejected, cancelled) before this approver decided. */
  | { kind: "closed"; approval: ApprovalView; approverIndex: number; now: number }
  /** A POST after the approval reached its outcome: nothing recorded. */
  | { kind: "too_late"; approval: ApprovalView; approverIndex: number; now: number }
  /** The approval expired before an outcome. */
  | { kind: "expired"; approval: ApprovalView; approverIndex: number; now: number }
  /** The token's own lifetime is over (long after the approval ended). */
  | { kind: "link_expired" }
  /** Tampered, forged, for another purpose, or naming an approval/approver that does not exist. */
  | { kind: "link_invalid" }
  /** A POST from another site (Sec-Fetch-Site / Origin), refused. */
  | { kind: "cross_site" }
  /** A POST whose form is not `decision=approve|reject` (+ optional comment within limits). */
  | {
      kind: "bad_form";
      message: string;
      /** What the approver typed, kept so a refused submission does not lose it. */
      comment: string;
      approval: ApprovalView;
      approverIndex: number;
      now: number;
      formAction: string;
    };

export const PAGE_STATUS: Record<PageState["kind"], number> = {
  open: 200,
  recorded: 200,
  already_decided: 200,
  decision_conflict: 409,
  closed: 200,
  too_late: 409,
  expired: 410,
  link_expired: 410,
  link_invalid: 404,
  cross_site: 403,
  bad_form: 400,
};

/** Longest comment kept with a decision (characters). */
export const MAX_COMMENT_LENGTH = 2000;
