/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * Read-only pages once there is nothing (more) to decide here: the decision just recorded, one
 * made earlier, a conflicting or late submission, a closed or expired approval. Each says what
 * happened to this approver's decision in words first, then the approval's state and the list.
 * No form: a second submission could only be refused.
 */

import type { Child, FC } from "hono/jsx";
import {
  approverLabel,
  Decisions,
  decisionWord,
  statusWords,
  TaskFacts,
  Time,
  TimeLeft,
} from "./approval-parts.js";
import { Markdown } from "./markdown/render.js";
import type { ApprovalView, ApproverView, PageState } from "./model.js";

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

interface Message {
  headline: string;
  tone: "ok" | "info" | "error";
  body: Child;
}

/** The headline, also used as the document title. */
export function summaryHeadline(kind: SummaryKind, approval: ApprovalView): string {
  return message(kind, approval, null).headline;
}

export const SummaryView: FC<SummaryViewProps> = ({ kind, approval, approver, approverIndex, now }) => {
  const { headline, tone, body } = message(kind, approval, approver);
  return (
    <>
      <p class="eyebrow">Approval request</p>
      <h1>{headline}</h1>
      <div class={`notice notice-${tone}`}>{body}</div>

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
        <p class="outcome">
          {approval.status === "pending" ? "Status: " : "Outcome: "}
          {statusWords(approval.status)}
          {approval.status !== "pending" && approval.closedAt !== null && (
            <>
              {" ("}
              <Time at={approval.closedAt} />
              {")"}
            </>
          )}
        </p>
        {approval.status === "pending" && (
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
        <Decisions approval={approval} approverIndex={approverIndex} />
      </section>
    </>
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
        tone: "ok",
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
        tone: "info",
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
        tone: "error",
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
        tone: "info",
        body: (
          <p>
            The request was {endedWords(approval)} before you answered, so no decision is needed from you.
          </p>
        ),
      };
    case "too_late":
      return {
        headline: "Your decision was not recorded",
        tone: "error",
        body: (
          <p>
            The request was {endedWords(approval)} by the time your answer arrived, so nothing was changed.
          </p>
        ),
      };
    case "expired":
      return {
        headline: "This request has expired",
        tone: "info",
        body: (
          <p>
            It expired (<Time at={approval.expiresAt} />) before reaching an outcome. No more decisions can be
            recorded.
          </p>
        ),
      };
  }
}
