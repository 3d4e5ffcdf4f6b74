/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { MailRecord } from "../../ports/approval-store.js";
import type { CapturedMail } from "../../ports/mail-catcher.js";
import type { Page } from "../../ports/store.js";
import {
  ActionButton,
  Badge,
  type Column,
  DataTable,
  Empty,
  FilterBar,
  IdLink,
  Pager,
  Select,
  Text,
  Utc,
  When,
} from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export const MAIL_STATUSES = ["pending", "sent", "dead", "skipped"] as const;

const outboxColumns = (frame: Frame): Column<MailRecord>[] => [
  {
    label: "Approval",
    cell: (m) => <IdLink id={m.approvalId} href={`/console/approvals/${m.approvalId}`} />,
  },
  { label: "Approver #", num: true, cell: (m) => m.approverIndex + 1 },
  { label: "Status", cell: (m) => <Badge status={m.status} /> },
  { label: "Attempts", num: true, wide: true, cell: (m) => m.attempts },
  { label: "Last error", span: true, class: "error-text", cell: (m) => <Text value={m.lastError} /> },
  { label: "Updated", cell: (m) => <When at={m.updatedAt} now={frame.now} /> },
  {
    label: "Actions",
    cell: (m) =>
      m.status !== "pending" ? (
        <ActionButton action={`/console/mails/${m.id}/resend`} csrf={frame.csrf} label="Resend" small />
      ) : null,
  },
];

const recipient = (m: CapturedMail) =>
  m.message.to.name ? `${m.message.to.name} <${m.message.to.email}>` : m.message.to.email;

const catcherColumns = (now: number): Column<CapturedMail>[] => [
  { label: "To", cell: recipient },
  { label: "Subject", span: true, cell: (m) => <a href={`/console/mail/${m.id}`}>{m.message.subject}</a> },
  { label: "Caught", cell: (m) => <When at={m.capturedAt} now={now} /> },
];

/** The mail outbox: every approval mail, its state and last error; resend one. */
export const MailOutboxView: FC<{
  frame: Frame;
  page: Page<MailRecord>;
  status: string | undefined;
  cursor?: string | undefined;
}> = ({ frame, page, status, cursor }) => (
  <ConsoleLayout
    frame={frame}
    view="mail"
    title="Mail outbox"
    subtitle="Approval mails and whether they went out"
  >
    <FilterBar action="/console/mail" filtered={Boolean(status)}>
      <Select name="status" label="Status" value={status} options={MAIL_STATUSES} />
    </FilterBar>
    <DataTable
      columns={outboxColumns(frame)}
      rows={page.items}
      caption="Mail outbox"
      empty={
        <Empty title="No mail">
          <p>
            With <code>approvals.mail</code> configured, each approver of a new approval gets a mail; it is
            listed here with its delivery state.
          </p>
        </Empty>
      }
    />
    <Pager path="/console/mail" query={{ status, cursor }} next={page.nextCursor} shown={page.items.length} />
  </ConsoleLayout>
);

/** Local mode's mail catcher: what taskgate "sent", newest first. */
export const MailCatcherView: FC<{ frame: Frame; page: Page<CapturedMail>; cursor?: string | undefined }> = ({
  frame,
  page,
  cursor,
}) => (
  <ConsoleLayout
    frame={frame}
    view="mail"
    title="Mail catcher"
    subtitle="Local mode sends no mail: every message is kept here, as the approver would see it"
  >
    <DataTable
      columns={catcherColumns(frame.now)}
      rows={page.items}
      caption="Caught mail"
      empty={
        <Empty title="No mail caught yet">
          <p>
            Create an approval (<code>POST /v1/approvals</code>); each approver's mail appears here within a
            second.
          </p>
        </Empty>
      }
    />
    <Pager path="/console/mail" query={{ cursor }} next={page.nextCursor} shown={page.items.length} />
  </ConsoleLayout>
);

/** One caught message: the HTML part in a sandboxed frame (its own strict CSP), and the text part. */
export const CaughtMailView: FC<{ frame: Frame; mail: CapturedMail }> = ({ frame, mail }) => (
  <ConsoleLayout
    frame={frame}
    view="mail"
    title={mail.message.subject}
    crumbs={<a href="/console/mail">Mail catcher</a>}
    subtitle={
      <>
        To {recipient(mail)} · caught <Utc at={mail.capturedAt} /> <Badge status="captured" />
      </>
    }
  >
    <div class="grid2">
      <section class="panel">
        <h2>HTML</h2>
        <div class="panel-body">
          <iframe
            class="mail-frame"
            title={`HTML part of "${mail.message.subject}"`}
            src={`/console/mail/${mail.id}/html`}
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            referrerpolicy="no-referrer"
          />
        </div>
      </section>
      <section class="panel">
        <h2>Plain text</h2>
        <div class="panel-body">
          <pre>{mail.message.text}</pre>
        </div>
      </section>
    </div>
  </ConsoleLayout>
);
