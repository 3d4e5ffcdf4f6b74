/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { describePolicy } from "../../../core/approval-policy.js";
import type { ApprovalMailInput } from "../../../ports/approval-mail-view.js";
import type { MailMessage } from "../../../ports/mailer.js";

const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Subjects are one line: a title with line breaks must not inject headers or look odd. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, " ").trim();

/**
 * The mail one approver gets: what is asked, the policy, when it expires, and their own link.
 * The HTML part is built with hono/jsx, which escapes every value; the description is shown as
 * plain text (the page renders its Markdown), so nothing in a mail is interpreted as markup.
 */
export async function approvalMessage({
  approval,
  approverIndex,
  link,
  now,
}: ApprovalMailInput): Promise<MailMessage> {
  const approver = approval.approvers[approverIndex];
  if (!approver) throw new Error(`approval ${approval.id} has no approver ${approverIndex}`);
  const policy = describePolicy(approval.policy, approval.approvers.length);
  const expires = utc(approval.expiresAt);
  const greeting = approver.name ? `Hello ${oneLine(approver.name)},` : "Hello,";
  const text = [
    greeting,
    "",
    `Your approval is requested: ${approval.title}`,
    ...(approval.description ? ["", approval.description] : []),
    "",
    policy,
    `Workflow task: ${approval.taskExternalId ?? approval.taskId}`,
    `Decide before: ${expires}`,
    "",
    "Open this link to approve or reject (it is yours alone; do not forward it):",
    link,
    "",
    "Opening the link changes nothing; only the Approve or Reject button records a decision.",
    "",
    `Sent by taskgate at ${utc(now)}.`,
  ].join("\n");
  const html = (
    <html lang="en">
      <body>
        <p>{greeting}</p>
        <p>
          Your approval is requested: <strong>{approval.title}</strong>
        </p>
        {approval.description ? <p style="white-space: pre-wrap">{approval.description}</p> : null}
        <p>{policy}</p>
        <p>
          Workflow task: <code>{approval.taskExternalId ?? approval.taskId}</code>
          <br />
          Decide before: {expires}
        </p>
        <p>
          <a href={link}>Review and decide</a>
        </p>
        <p>
          This link is yours alone; do not forward it. Opening it changes nothing: only the Approve or Reject
          button on the page records a decision.
        </p>
      </body>
    </html>
  );
  return {
    to: { email: approver.email, name: approver.name },
    subject: `Approval requested: ${oneLine(approval.title)}`,
    text,
    html: `<!doctype html>${await html.toString()}`,
  };
}
