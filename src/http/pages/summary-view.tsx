/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * Read-only pages once there is nothing (more) to decide here: the decision just recorded, one
 * made earlier, a conflicting or late submission, a closed or expired approval. Each says what
 * happened to this approver's decision in words first, then the approval's state and the list.
 * No form: a second submission could only be refused.
 */

import type { Child, FC } from "hono/jsx";
import { approverLabel, Decisions, decisionWord, TaskFacts, Time, TimeLeft } from "./approval-parts.js";
import { Markdown } from "./markdown/render.js";
import type { ApprovalStatus, ApprovalView, ApproverView, PageState } from "./model.js";
import { deliveryTail, effectiveStatus, statusWords } from "./outcome-words.js";

export type SummaryKind = Extract<
  PageState["kind"],
  "recorded" | "already_decided" | "decision_conflict" | "closed" | "too_late" | "expired"
>;

export interface SummaryViewProps {
  kind: SummaryKind;
  approval: ApprovalView;
  approver: ApproverView;
  approverIndex: number;
  now: number;
}

/**
 * The banner's colour says the state, with the words: green for an approval, red for a
 * rejection, amber for an expiry or a refused or late answer, grey for a request closed without you.
 */
type Tone = "approved" | "rejected" | "expired" | "warning" | "closed";

interface Message {
  headline: string;
  tone: Tone;
  body: Child;
}

/** The headline, also used as the document title. */
export function summaryHeadline(kind: SummaryKind, approval: ApprovalView): string {
  return message(kind, approval, null).headline;
}

export const SummaryView: FC<SummaryViewProps> = ({ kind, approval, approver, approverIndex, now }) => {
  const { headline, tone, body } = message(kind, approval, approver);
  const status = effectiveStatus(approval, now);
  return (
    <>
      <p class="eyebrow">Approval request</p>
      <h1>{headline}</h1>
      <div class={`notice notice-${tone}`} data-tone={tone}>
        {body}
      </div>

      <section aria-labelledby="request-heading">
        <h2 id="request-heading">{approval.title}</h2>
        <p>
          Your decision:{" "}
          {approver.decision !== null ? (
            <strong>
              {decisionWord(approver.decision)}
              {approver.decidedAt !== null && (
                <>
                  {" on "}
                  <Time at={approver.decidedAt} />
                </>
              )}
            </strong>
          ) : (
            <strong>none recorded</strong>
          )}
        </p>
        <Outcome approval={approval} status={status} />
        {status === "pending" && (
          <p>
            <TimeLeft now={now} expiresAt={approval.expiresAt} />
          </p>
        )}
        <TaskFacts approval={approval} />
        {approval.description !== null && approval.description.trim() !== "" && (
          <details>
            <summary>What was asked</summary>
            <div class="description">
              <Markdown source={approval.description} />
            </div>
          </details>
        )}
      </section>

      <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">Decisions</h2>
        <Decisions approval={approval} approverIndex={approverIndex} now={now} />
      </section>
    </>
  );
};

/**
 * "Outcome: Approved — CDF accepted the update at …", "… (time) — delivering to CDF…", "… (time),
 * but CDF refused the update: …" (outcome-words.ts says the same in the API).
 */
const Outcome: FC<{ approval: ApprovalView; status: ApprovalStatus }> = ({ approval, status }) => {
  const tail = deliveryTail(status, approval.delivery);
  const closedAt = approval.closedAt ?? (status === "expired" ? approval.expiresAt : null);
  const when =
    status !== "pending" && closedAt !== null && tail?.kind !== "accepted" ? (
      <>
        {" ("}
        <Time at={closedAt} />
        {")"}
      </>
    ) : null;
  return (
    <p class={`outcome outcome-${tail?.kind ?? "none"}`}>
      {status === "pending" ? "Status: " : "Outcome: "}
      {statusWords(status)}
      {when}
      {status === "cancelled" && "; CDF was not told"}
      {tail?.kind === "accepted" && (
        <>
          {" — CDF accepted the update"}
          {tail.at !== null && (
            <>
              {" at "}
              <Time at={tail.at} />
            </>
          )}
        </>
      )}
      {tail?.kind === "delivering" && " — delivering to CDF…"}
      {tail?.kind === "refused" && `, but CDF refused the update: ${tail.error}`}
    </p>
  );
};

/** Past tense for the outcome a late approver ran into. */
function endedWords(approval: ApprovalView): string {
  switch (approval.status) {
    case "approved":
      return "already approved";
    case "rejected":
      return "already rejected";
    case "cancelled":
      return "cancelled";
    case "expired":
      return "expired";
    case "pending":
      return "already decided";
  }
}

function decisionTone(approver: ApproverView | null): Tone {
  if (approver?.decision === "approve") return "approved";
  if (approver?.decision === "reject") return "rejected";
  return "closed";
}

function yourDecision(approver: ApproverView | null): string {
  if (approver === null || approver.decision === null) return "decided";
  return approver.decision === "approve" ? "approved" : "rejected";
}

function message(kind: SummaryKind, approval: ApprovalView, approver: ApproverView | null): Message {
  const you = approver === null ? "" : approverLabel(approver);
  const when =
    approver?.decidedAt !== null && approver?.decidedAt !== undefined ? (
      <>
        {" on "}
        <Time at={approver.decidedAt} />
      </>
    ) : null;
  switch (kind) {
    case "recorded":
      return {
        headline: "Your decision is recorded",
        tone: decisionTone(approver),
        body: (
          <p>
            Thank you, {you}. You {yourDecision(approver)} this request{when}.{" "}
            {approval.status === "pending"
              ? "It now waits for the other approvers."
              : `Its outcome: ${statusWords(approval.status).toLowerCase()}. The workflow will be told.`}
          </p>
        ),
      };
    case "already_decided":
      return {
        headline: "You have already answered",
        tone: decisionTone(approver),
        body: (
          <p>
            You {yourDecision(approver)} this request{when}. Nothing more is needed from you and nothing was
            changed.
          </p>
        ),
      };
    case "decision_conflict":
      return {
        headline: "Your earlier decision stands",
        tone: "warning",
        body: (
          <>
            <p>
              You {yourDecision(approver)} this request{when}. A decision cannot be changed once it is
              recorded, so the new one was not recorded.
            </p>
            <p>If it must change, contact the person who asked for the approval.</p>
          </>
        ),
      };
    case "closed":
      return {
        headline:
          approval.status === "cancelled" ? "This request was cancelled" : "This request is already decided",
        tone: "closed",
        body: (
          <p>
            The request was {endedWords(approval)} before you answered, so no decision is needed from you.
          </p>
        ),
      };
    case "too_late":
      return {
        headline: "Your decision was not recorded",
        tone: "warning",
        body: (
          <p>
            The request was {endedWords(approval)} by the time your answer arrived, so nothing was changed.
          </p>
        ),
      };
    case "expired":
      return {
        headline: "This request has expired",
        tone: "expired",
        body: (
          <p>
            It expired (<Time at={approval.expiresAt} />) before reaching an outcome. No more decisions can be
            recorded.
          </p>
        ),
      };
  }
}
