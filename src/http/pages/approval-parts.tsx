/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * Pieces shared by the open form and the read-only summaries: the task, the decisions so far,
 * the time left. Every decision is said in words (and an icon hidden from screen readers), never
 * by colour alone.
 */

import type { FC } from "hono/jsx";
import { approvalsNeeded, describePolicy } from "../../core/approval-policy.js";
import { formatTimeLeft, formatUtc, isoTime } from "./format-time.js";
import type { ApprovalStatus, ApprovalView, ApproverView, Decision } from "./model.js";

/** How an approver is named on the page: their name when the request gave one. */
export function approverLabel(approver: ApproverView): string {
  const name = approver.name?.trim();
  return name ? name : approver.email;
}

export function decisionWord(decision: Decision): "Approved" | "Rejected" {
  return decision === "approve" ? "Approved" : "Rejected";
}

/** The approval's state in a few words, for "Outcome:" lines. */
export function statusWords(status: ApprovalStatus): string {
  switch (status) {
    case "pending":
      return "Waiting for decisions";
    case "approved":
      return "Approved";
    case "rejected":
      return "Rejected";
    case "expired":
      return "Expired without an outcome";
    case "cancelled":
      return "Cancelled";
  }
}

export const Time: FC<{ at: number }> = ({ at }) => <time datetime={isoTime(at)}>{formatUtc(at)}</time>;

export const TimeLeft: FC<{ now: number; expiresAt: number }> = ({ now, expiresAt }) => (
  <time datetime={isoTime(expiresAt)}>{formatTimeLeft(now, expiresAt)}</time>
);

/** Which workflow task the decision completes: the ids an operator would look up in CDF. */
export const TaskFacts: FC<{ approval: ApprovalView }> = ({ approval }) => {
  const { task } = approval;
  return (
    <dl class="facts">
      <dt>Task id</dt>
      <dd>{task.taskId}</dd>
      {task.taskExternalId !== null && (
        <>
          <dt>Task external id</dt>
          <dd>{task.taskExternalId}</dd>
        </>
      )}
      {task.executionId !== null && (
        <>
          <dt>Execution id</dt>
          <dd>{task.executionId}</dd>
        </>
      )}
      <dt>Requested</dt>
      <dd>
        <Time at={approval.createdAt} />
      </dd>
    </dl>
  );
};

/** The policy in words, progress while it is open, then one line per approver. */
export const Decisions: FC<{ approval: ApprovalView; approverIndex: number }> = ({
  approval,
  approverIndex,
}) => {
  const { approvers, policy, status } = approval;
  const approvals = approvers.filter((a) => a.decision === "approve").length;
  const needed = approvalsNeeded(policy, approvers.length);
  // Progress means something only while open and when more than one approval is needed.
  const showProgress = status === "pending" && needed > 1;
  return (
    <>
      <p>
        {describePolicy(policy, approvers.length)}
        {showProgress && ` So far ${approvals} of ${needed} approvals.`}
      </p>
      <ul class="decisions">
        {approvers.map((approver, i) => (
          <ApproverLine approver={approver} isYou={i === approverIndex} status={status} />
        ))}
      </ul>
    </>
  );
};

const ApproverLine: FC<{ approver: ApproverView; isYou: boolean; status: ApprovalStatus }> = ({
  approver,
  isYou,
  status,
}) => {
  const { decision, decidedAt, comment } = approver;
  const state = decision ?? "waiting";
  const icon = decision === "approve" ? "✓" : decision === "reject" ? "✗" : "…";
  const words = decision !== null ? decisionWord(decision) : status === "pending" ? "Waiting" : "No decision";
  return (
    <li>
      <span class="who">
        {approverLabel(approver)}
        {isYou && " (you)"}
      </span>{" "}
      <span class={`state state-${state}`}>
        <span aria-hidden="true">{icon}</span> {words}
      </span>{" "}
      {decidedAt !== null && (
        <span class="when">
          on <Time at={decidedAt} />
        </span>
      )}
      {comment !== null && comment !== "" && <blockquote class="comment">{comment}</blockquote>}
    </li>
  );
};
