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
import type { ApprovalStatus, ApprovalView, ApproverView, Decision, RequesterView } from "./model.js";
import { effectiveStatus } from "./outcome-words.js";

/** How an approver is named on the page: their name when the request gave one. */
export function approverLabel(approver: ApproverView): string {
  const name = approver.name?.trim();
  return name ? name : approver.email;
}

export function decisionWord(decision: Decision): "Approved" | "Rejected" {
  return decision === "approve" ? "Approved" : "Rejected";
}

/** Who asked, by name (their address when no name was given), for a sentence. */
export function requesterName(requester: RequesterView): string {
  return requester.name?.trim() || requester.email || "Someone";
}

/** "Grace Hopper (grace@example.com)", with the address as a mail link; null when not given. */
const Requester: FC<{ requester: RequesterView | null; stacked?: boolean }> = ({ requester, stacked }) => {
  if (requester === null) return null;
  const name = requester.name?.trim() || null;
  const mail = requester.email ? <a href={`mailto:${requester.email}`}>{requester.email}</a> : null;
  if (name && mail && stacked)
    return (
      <>
        <strong>{name}</strong>
        <br />
        {mail}
      </>
    );
  if (name && mail)
    return (
      <>
        <strong>{name}</strong> ({mail})
      </>
    );
  return name ? <strong>{name}</strong> : mail;
};

export const Time: FC<{ at: number }> = ({ at }) => <time datetime={isoTime(at)}>{formatUtc(at)}</time>;

/** "Expires in 3 h 12 min (<time>…</time>)": only the date itself is kept on one line. */
export const TimeLeft: FC<{ now: number; expiresAt: number }> = ({ now, expiresAt }) => {
  const words = formatTimeLeft(now, expiresAt);
  const at = words.lastIndexOf(" (");
  return (
    <>
      {words.slice(0, at)} (<Time at={expiresAt} />)
    </>
  );
};

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
      {approval.requestedBy !== null && (
        <>
          <dt>Requested by</dt>
          <dd class="plain">
            <Requester requester={approval.requestedBy} stacked />
          </dd>
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
export const Decisions: FC<{ approval: ApprovalView; approverIndex: number; now: number }> = ({
  approval,
  approverIndex,
  now,
}) => {
  const { approvers, policy } = approval;
  const status = effectiveStatus(approval, now);
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
