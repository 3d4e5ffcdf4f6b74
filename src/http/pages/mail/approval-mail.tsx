/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * The mail one approver gets, as HTML and plain text with the same facts: what is asked (its
 * Markdown rendered), who asked, the workflow task, when it expires (UTC and relative), and one
 * button to their own confirmation page. Mail clients are not browsers: layout is tables
 * (`role="presentation"`), every style is inline (Gmail and Outlook drop or ignore stylesheets),
 * nothing is loaded from elsewhere, and the button is a coloured table cell, which Outlook draws.
 * The one `<style>` only adds dark-mode colours where a client supports them; the inline colours
 * already hold on a dark background. hono/jsx escapes every value.
 */

import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import { describePolicy } from "../../../core/approval-policy.js";
import type { ApprovalMailInput } from "../../../ports/approval-mail-view.js";
import type { ApprovalRecord, RequesterRecord } from "../../../ports/approval-store.js";
import type { MailMessage } from "../../../ports/mailer.js";
import { formatRelative, formatUtc } from "../format-time.js";
import { Markdown, type MarkdownStyles } from "../markdown/render.js";

/** Keeps each "2026-11-28 19:40 UTC" in a text on one line, so a phone does not split a date. */
function keepDates(text: string): Child[] {
  return text
    .split(/(\d{4}-\d\d-\d\d \d\d:\d\d UTC)/)
    .map((part, i) => (i % 2 === 1 ? <span style="white-space:nowrap;">{part}</span> : part));
}

/** Subjects are one line: a title with line breaks must not inject headers or look odd. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, " ").trim();

const FONT = `-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif`;
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
const C = {
  bg: "#f4f5f7",
  card: "#ffffff",
  text: "#1b1f24",
  muted: "#4b5563",
  border: "#d5d9df",
  box: "#f4f5f7",
  link: "#0b57d0",
  button: "#0b57d0",
  buttonText: "#ffffff",
};

/** Dark-mode colours for the clients that read them (Apple Mail, Outlook.com via data-ogsc). */
const DARK_CSS = (() => {
  const rules = [
    ".tg-bg{background-color:#0f1115!important}",
    ".tg-card{background-color:#1b1f24!important;border-color:#3a414a!important}",
    ".tg-text{color:#e8eaed!important}",
    ".tg-muted{color:#b4bcc6!important}",
    ".tg-box{background-color:#23282f!important;border-color:#3a414a!important}",
    ".tg-link,.tg-desc a{color:#8ab4f8!important}",
    ".tg-desc code{background-color:#2b313a!important;color:#e8eaed!important}",
  ];
  return [
    ":root{color-scheme:light dark;supported-color-schemes:light dark}",
    `@media (prefers-color-scheme:dark){${rules.join("")}}`,
    ...rules.map((r) => `[data-ogsc] ${r.replace(",", ",[data-ogsc] ")}`),
  ].join("\n");
})();

const DESCRIPTION_STYLES: MarkdownStyles = {
  p: "margin:0 0 12px 0;",
  ul: "margin:0 0 12px 0;padding-left:22px;",
  ol: "margin:0 0 12px 0;padding-left:22px;",
  li: "margin:0 0 4px 0;",
  // A light chip with its own dark text: readable on a light card and on a darkened one.
  code: `font-family:${MONO};font-size:14px;background-color:#eef0f3;color:#1b1f24;border-radius:3px;padding:1px 4px;`,
  a: `color:${C.link};text-decoration:underline;`,
};

/** The facts the HTML and the text both show, computed once so they cannot disagree. */
interface Facts {
  greeting: string;
  title: string;
  requester: string | null;
  asks: string;
  policy: string;
  task: string;
  execution: string | null;
  requested: string;
  expiresUtc: string;
  expiresRelative: string;
  deadline: string;
  sent: string;
}

function requesterLabel(r: RequesterRecord | null): string | null {
  if (r === null) return null;
  const name = r.name ? oneLine(r.name) : null;
  if (name && r.email) return `${name} <${r.email}>`;
  return name ?? r.email;
}

function factsOf(approval: ApprovalRecord, approverIndex: number, now: number): Facts {
  const approver = approval.approvers[approverIndex];
  if (!approver) throw new Error(`approval ${approval.id} has no approver ${approverIndex}`);
  const requester = requesterLabel(approval.requestedBy);
  const expiresUtc = formatUtc(approval.expiresAt);
  const expiresRelative = formatRelative(now, approval.expiresAt);
  const requesterName = approval.requestedBy?.name ? oneLine(approval.requestedBy.name) : requester;
  return {
    greeting: approver.name ? `Hello ${oneLine(approver.name)},` : "Hello,",
    title: oneLine(approval.title),
    requester,
    asks: requesterName
      ? `${requesterName} asks for your decision. A workflow in Cognite Data Fusion waits for it.`
      : "A workflow in Cognite Data Fusion waits for your decision.",
    policy: describePolicy(approval.policy, approval.approvers.length),
    task:
      approval.taskExternalId !== null
        ? `${approval.taskExternalId} (task id ${approval.taskId})`
        : `task id ${approval.taskId}`,
    execution: approval.executionId,
    requested: formatUtc(approval.createdAt),
    expiresUtc,
    expiresRelative,
    deadline:
      approval.expiresAt > now
        ? `Decide within ${expiresRelative.replace(/^in /, "")}, by ${expiresUtc}`
        : `This request expired at ${expiresUtc}`,
    sent: formatUtc(now),
  };
}

/** The mail for approver `approverIndex`: their own link, never anyone else's. */
export async function approvalMessage({
  approval,
  approverIndex,
  link,
  now,
}: ApprovalMailInput): Promise<MailMessage> {
  const approver = approval.approvers[approverIndex];
  if (!approver) throw new Error(`approval ${approval.id} has no approver ${approverIndex}`);
  const facts = factsOf(approval, approverIndex, now);
  const html = await (
    <MailDocument facts={facts} description={approval.description} link={link} />
  ).toString();
  return {
    to: { email: approver.email, name: approver.name },
    subject: `Approval requested: ${facts.title}`,
    text: plainText(facts, approval.description, link),
    html: `<!doctype html>${html}`,
  };
}

function plainText(f: Facts, description: string | null, link: string): string {
  const rows: [string, string | null][] = [
    ["Requested by", f.requester],
    ["Decision", f.policy],
    ["Workflow task", f.task],
    ["Execution", f.execution],
    ["Requested", f.requested],
    ["Expires", `${f.expiresUtc} (${f.expiresRelative})`],
  ];
  const hasDescription = description !== null && description.trim() !== "";
  return [
    f.greeting,
    "",
    f.asks,
    "",
    `  ${f.title}`,
    "",
    `${f.deadline}.`,
    "",
    "Review and decide (your own link; please do not forward it):",
    link,
    ...(hasDescription ? ["", "What is asked:", "", description.trim()] : []),
    "",
    ...rows.filter((r): r is [string, string] => r[1] !== null).map(([k, v]) => `${k}: ${v}`),
    "",
    "Opening the link changes nothing; only the Approve or Reject button on the page records a decision.",
    "",
    `Sent by taskgate at ${f.sent}.`,
  ].join("\n");
}

const MailDocument: FC<{ facts: Facts; description: string | null; link: string }> = ({
  facts: f,
  description,
  link,
}) => {
  const hasDescription = description !== null && description.trim() !== "";
  const muted = `color:${C.muted};font-family:${FONT};`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <meta name="x-apple-disable-message-reformatting" />
        <title>{`Approval requested: ${f.title}`}</title>
        <style dangerouslySetInnerHTML={{ __html: DARK_CSS }} />
      </head>
      <body class="tg-bg" style={`margin:0;padding:0;background-color:${C.bg};`}>
        {/* The preview line inboxes show beside the subject. */}
        <div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;">
          {`${f.asks} ${f.deadline}.`}
        </div>
        <table
          role="presentation"
          class="tg-bg"
          width="100%"
          cellpadding="0"
          cellspacing="0"
          border={0}
          style={`width:100%;border-collapse:collapse;background-color:${C.bg};`}
        >
          <tr>
            <td align="center" style="padding:24px 12px;">
              {raw(
                '<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border={0}><tr><td><![endif]-->',
              )}
              <table
                role="presentation"
                width="100%"
                cellpadding="0"
                cellspacing="0"
                border={0}
                style="width:100%;max-width:600px;border-collapse:collapse;"
              >
                <tr>
                  <td
                    class="tg-muted"
                    style={`${muted}font-size:14px;font-weight:600;padding:0 4px 12px 4px;`}
                  >
                    taskgate · workflow approvals
                  </td>
                </tr>
                <tr>
                  <td
                    class="tg-card"
                    style={`background-color:${C.card};border:1px solid ${C.border};border-radius:8px;padding:28px 28px 24px 28px;`}
                  >
                    <Card facts={f} description={hasDescription ? description : null} link={link} />
                  </td>
                </tr>
                <tr>
                  <td
                    class="tg-muted"
                    style={`${muted}font-size:12px;line-height:18px;padding:16px 4px 0 4px;`}
                  >
                    Sent by taskgate at {f.sent} about a workflow in Cognite Data Fusion. You get this mail
                    because you are named as an approver.
                  </td>
                </tr>
              </table>
              {raw("<!--[if mso]></td></tr></table><![endif]-->")}
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
};

const Card: FC<{ facts: Facts; description: string | null; link: string }> = ({
  facts: f,
  description,
  link,
}) => {
  const text = `color:${C.text};font-family:${FONT};`;
  const muted = `color:${C.muted};font-family:${FONT};`;
  const h2 = `${text}margin:0 0 8px 0;font-size:16px;line-height:22px;font-weight:700;`;
  return (
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style="width:100%;">
      <tr>
        <td
          class="tg-muted"
          style={`${muted}font-size:12px;font-weight:700;letter-spacing:1px;text-transform:uppercase;padding:0 0 6px 0;`}
        >
          Approval requested
        </td>
      </tr>
      <tr>
        <td class="tg-text" style={`${text}padding:0 0 16px 0;`}>
          <h1 class="tg-text" style={`${text}margin:0;font-size:24px;line-height:30px;font-weight:700;`}>
            {f.title}
          </h1>
        </td>
      </tr>
      <tr>
        <td class="tg-text" style={`${text}font-size:16px;line-height:24px;padding:0 0 16px 0;`}>
          <p style="margin:0 0 8px 0;">{f.greeting}</p>
          <p style="margin:0;">{f.asks}</p>
        </td>
      </tr>
      <tr>
        <td style="padding:0 0 20px 0;">
          <table
            role="presentation"
            width="100%"
            cellpadding="0"
            cellspacing="0"
            border={0}
            style="width:100%;"
          >
            <tr>
              <td
                class="tg-box tg-text"
                style={`${text}background-color:${C.box};border:1px solid ${C.border};border-radius:6px;padding:12px 14px;font-size:15px;line-height:22px;font-weight:600;`}
              >
                {keepDates(f.deadline)}.
              </td>
            </tr>
          </table>
        </td>
      </tr>
      <tr>
        <td align="left" style="padding:0 0 12px 0;">
          <Button href={link}>Review and decide</Button>
        </td>
      </tr>
      <tr>
        <td class="tg-muted" style={`${muted}font-size:13px;line-height:19px;padding:0 0 24px 0;`}>
          The button opens a page where you approve or reject. Opening it changes nothing.
        </td>
      </tr>
      {description !== null && (
        <tr>
          <td style="padding:0 0 20px 0;">
            <h2 class="tg-text" style={h2}>
              What is asked
            </h2>
            <div
              class="tg-desc tg-text"
              style={`${text}font-size:15px;line-height:23px;border-left:4px solid ${C.border};padding:2px 0 2px 12px;`}
            >
              <Markdown source={description} styles={DESCRIPTION_STYLES} />
            </div>
          </td>
        </tr>
      )}
      <tr>
        <td style="padding:0 0 20px 0;">
          <h2 class="tg-text" style={h2}>
            Details
          </h2>
          <Details facts={f} />
        </td>
      </tr>
      <tr>
        <td
          class="tg-muted"
          style={`${muted}font-size:13px;line-height:19px;border-top:1px solid ${C.border};padding:16px 0 0 0;`}
        >
          <p style="margin:0 0 8px 0;">
            This link is yours alone: anyone who has it can answer in your name, so please do not forward this
            mail. If the button does not work, paste this address into your browser:
          </p>
          <p style={`margin:0;font-family:${MONO};font-size:12px;line-height:18px;word-break:break-all;`}>
            <a class="tg-link" href={link} style={`color:${C.link};text-decoration:underline;`}>
              {link}
            </a>
          </p>
        </td>
      </tr>
    </table>
  );
};

/** A table cell with a background colour: the one button shape Outlook, Gmail and Apple Mail all draw. */
const Button: FC<{ href: string; children?: Child }> = ({ href, children }) => (
  <table role="presentation" cellpadding="0" cellspacing="0" border={0} style="border-collapse:separate;">
    <tr>
      <td align="center" bgcolor={C.button} style={`background-color:${C.button};border-radius:6px;`}>
        <a
          class="tg-button"
          href={href}
          target="_blank"
          style={`display:inline-block;padding:14px 28px;font-family:${FONT};font-size:17px;line-height:20px;font-weight:700;color:${C.buttonText};text-decoration:none;border:1px solid ${C.button};border-radius:6px;`}
          rel="noopener"
        >
          {children}
        </a>
      </td>
    </tr>
  </table>
);

const Details: FC<{ facts: Facts }> = ({ facts: f }) => {
  const rows: [string, string | null][] = [
    ["Requested by", f.requester],
    ["Decision", f.policy],
    ["Workflow task", f.task],
    ["Execution", f.execution],
    ["Requested", f.requested],
    ["Expires", `${f.expiresUtc} (${f.expiresRelative})`],
  ];
  const cell = `font-family:${FONT};font-size:14px;line-height:20px;padding:4px 0;vertical-align:top;`;
  return (
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style="width:100%;">
      {rows
        .filter((r): r is [string, string] => r[1] !== null)
        .map(([label, value]) => (
          <tr>
            <td
              class="tg-muted"
              width="120"
              style={`${cell}color:${C.muted};width:120px;padding-right:12px;`}
            >
              {label}
            </td>
            <td class="tg-text" style={`${cell}color:${C.text};word-break:break-word;`}>
              {keepDates(value)}
            </td>
          </tr>
        ))}
    </table>
  );
};
