/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * The confirmation page: what is asked and the form. Opening it changes nothing (email scanners
 * fetch every link); only pressing a button POSTs a decision. Who asks, what, and the form come
 * first, so the buttons are in view on a laptop and a phone without scrolling; the task and the
 * decisions so far follow. The comment comes before the buttons so keyboard and screen-reader
 * order matches the visual order. Also used for `bad_form`,
 * with the error announced (role="alert") and the comment the approver typed kept.
 */

import type { FC } from "hono/jsx";
import { approverLabel, Decisions, requesterName, TaskFacts, TimeLeft } from "./approval-parts.js";
import { Markdown } from "./markdown/render.js";
import { type ApprovalView, type ApproverView, MAX_COMMENT_LENGTH } from "./model.js";

export interface OpenViewProps {
  approval: ApprovalView;
  approver: ApproverView;
  approverIndex: number;
  now: number;
  formAction: string;
  /** Why the last submission was refused (bad_form). */
  error?: string | undefined;
  /** What the approver typed before the refused submission. */
  comment?: string | undefined;
}

export const OpenView: FC<OpenViewProps> = (props) => {
  const { approval, approver, approverIndex, now, formAction, error, comment } = props;
  const describedBy = error === undefined ? "comment-hint" : "comment-hint form-error";
  const hasDescription = approval.description !== null && approval.description.trim() !== "";
  return (
    <>
      <p class="eyebrow">Approval requested</p>
      <h1>{approval.title}</h1>
      {error !== undefined && (
        <div class="notice notice-error" role="alert" id="form-error">
          <p>
            <strong>Your decision was not recorded.</strong> {error}
          </p>
        </div>
      )}
      <p class="lead">
        {approval.requestedBy !== null ? (
          <>
            <strong>{requesterName(approval.requestedBy)}</strong> asks for your decision on a workflow in
            Cognite Data Fusion.
          </>
        ) : (
          "A workflow in Cognite Data Fusion is waiting for your decision."
        )}{" "}
        You are answering as <strong>{approverLabel(approver)}</strong>.
      </p>
      <p class="deadline">
        <TimeLeft now={now} expiresAt={approval.expiresAt} />
      </p>

      {hasDescription && (
        <section aria-labelledby="about-heading">
          <h2 id="about-heading">What is asked</h2>
          {/* Scrolls inside itself when long, so the buttons stay in view; focusable for keyboards. */}
          <section class="description description-open" aria-labelledby="about-heading" tabindex={0}>
            <Markdown source={approval.description ?? ""} />
          </section>
        </section>
      )}

      <form method="post" action={formAction} aria-labelledby="form-heading">
        {/* Named for screen readers; the buttons say it to everyone else, and space above the fold is dear. */}
        <h2 id="form-heading" class="visually-hidden">
          Your decision
        </h2>
        <label for="comment">Comment (optional)</label>
        <p class="hint" id="comment-hint">
          Seen by the other approvers and the workflow; up to {MAX_COMMENT_LENGTH} characters.
        </p>
        <textarea
          id="comment"
          name="comment"
          rows={3}
          maxlength={MAX_COMMENT_LENGTH}
          aria-describedby={describedBy}
        >
          {textareaContent(comment)}
        </textarea>
        <div class="actions">
          <button class="button button-approve" type="submit" name="decision" value="approve">
            Approve
          </button>
          <button class="button button-reject" type="submit" name="decision" value="reject">
            Reject
          </button>
        </div>
      </form>
      <p class="hint">
        This link is personal: anyone who has it can answer in your name, so please do not forward it.
      </p>

      <section aria-labelledby="task-heading">
        <h2 id="task-heading">Workflow task</h2>
        <TaskFacts approval={approval} />
      </section>

      <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">Decisions so far</h2>
        <Decisions approval={approval} approverIndex={approverIndex} now={now} />
      </section>
    </>
  );
};

/** HTML drops one newline right after `<textarea>`; double it so a leading newline survives. */
function textareaContent(comment: string | undefined): string {
  if (comment === undefined || comment === "") return "";
  return comment.startsWith("\n") || comment.startsWith("\r") ? `\n${comment}` : comment;
}
