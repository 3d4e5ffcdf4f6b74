/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import { describePolicy } from "../../core/approval-policy.js";
import type { ApprovalRecord, MailRecord } from "../../ports/approval-store.js";
import type { Page } from "../../ports/store.js";
import { AuditTimeline, type History } from "./audit-timeline.js";
import {
  ActionButton,
  Badge,
  type Column,
  DataTable,
  Empty,
  Field,
  FilterBar,
  IdLink,
  Pager,
  Select,
  Text,
  Utc,
  When,
} from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired", "cancelled"] as const;

export interface ApprovalQuery {
  status?: string | undefined;
  taskId?: string | undefined;
  cursor?: string | undefined;
}

const tally = (a: ApprovalRecord): string => {
  const approve = a.decisions.filter((d) => d.decision === "approve").length;
  const reject = a.decisions.length - approve;
  return `${approve} approve · ${reject} reject · ${a.approvers.length - a.decisions.length} waiting`;
};

const approvalColumns = (now: number): Column<ApprovalRecord>[] => [
  { label: "Title", cell: (a) => <a href={`/console/approvals/${a.id}`}>{a.title}</a> },
  { label: "Status", cell: (a) => <Badge status={a.status} /> },
  { label: "Decisions", class: "nowrap", cell: tally },
  { label: "Policy", wide: true, cell: (a) => describePolicy(a.policy, a.approvers.length) },
  { label: "Created", wide: true, cell: (a) => <When at={a.createdAt} now={now} /> },
  {
    label: "Expires",
    cell: (a) =>
      a.status === "pending" ? <When at={a.expiresAt} now={now} /> : <span class="muted">—</span>,
  },
];

export const ApprovalsView: FC<{ frame: Frame; page: Page<ApprovalRecord>; query: ApprovalQuery }> = ({
  frame,
  page,
  query,
}) => {
  const filtered = Boolean(query.status || query.taskId);
  return (
    <ConsoleLayout
      frame={frame}
      view="approvals"
      title="Approvals"
      subtitle="People asked to approve a workflow task"
    >
      <FilterBar action="/console/approvals" filtered={filtered}>
        <Select name="status" label="Status" value={query.status} options={APPROVAL_STATUSES} />
        <Field name="taskId" label="Task id" value={query.taskId} placeholder="exact id" />
      </FilterBar>
      <DataTable
        columns={approvalColumns(frame.now)}
        rows={page.items}
        caption="Approvals"
        empty={
          <Empty title={filtered ? "No approval matches these filters" : "No approvals yet"}>
            <p>
              {filtered
                ? "Clear a filter to see more."
                : "Create one with POST /v1/approvals; each approver gets their own link."}
            </p>
          </Empty>
        }
      />
      <Pager
        path="/console/approvals"
        query={{ ...query }}
        next={page.nextCursor}
        shown={page.items.length}
      />
    </ConsoleLayout>
  );
};

/** An approver of `a` with their position (decisions and mails name approvers by index). */
interface ApproverRow {
  person: ApprovalRecord["approvers"][number];
  index: number;
}

const approverColumns = (
  frame: Frame,
  a: ApprovalRecord,
  mails: readonly MailRecord[],
  resendable: boolean,
): (Column<ApproverRow> | false)[] => {
  const decisionOf = (r: ApproverRow) => a.decisions.find((d) => d.approverIndex === r.index);
  const mailOf = (r: ApproverRow) => mails.find((m) => m.approverIndex === r.index);
  return [
    {
      label: "Approver",
      cell: ({ person: p }) => (
        <>
          <strong>{p.name ?? p.email}</strong>
          {p.name ? <div class="muted">{p.email}</div> : null}
        </>
      ),
    },
    {
      label: "Decision",
      cell: (r) => {
        const decision = decisionOf(r);
        return decision ? (
          <>
            <Badge
              status={decision.decision === "approve" ? "approved" : "rejected"}
              label={decision.decision}
            />
            <div>
              <When at={decision.decidedAt} now={frame.now} />
            </div>
          </>
        ) : (
          <Badge status="pending" label="waiting" />
        );
      },
    },
    { label: "Comment", span: true, cell: (r) => <Text value={decisionOf(r)?.comment} /> },
    {
      label: "From",
      wide: true,
      class: "mono",
      cell: (r) => {
        const decision = decisionOf(r);
        return decision ? `${decision.ip ?? "?"} · ${decision.userAgent ?? "?"}` : "—";
      },
    },
    {
      label: "Mail",
      cell: (r) => {
        const mail = mailOf(r);
        return mail ? (
          <>
            <Badge status={mail.status} />
            {mail.lastError ? <div class="error-text">{mail.lastError}</div> : null}
          </>
        ) : (
          <span class="muted">not mailed</span>
        );
      },
    },
    resendable && {
      label: "Actions",
      cell: (r) => {
        const mail = mailOf(r);
        return mail && mail.status !== "pending" && !decisionOf(r) ? (
          <ActionButton
            action={`/console/mails/${mail.id}/resend`}
            csrf={frame.csrf}
            label="Resend mail"
            small
            fields={{ back: `/console/approvals/${a.id}` }}
          />
        ) : null;
      },
    },
  ];
};

/** One approval: per-approver decisions and mail, resend a mail, cancel, and its history. */
export const ApprovalView: FC<{
  frame: Frame;
  approval: ApprovalRecord;
  mails: readonly MailRecord[];
  history: History;
}> = ({ frame, approval: a, mails, history }) => {
  const pending = a.status === "pending" && a.expiresAt > frame.now;
  return (
    <ConsoleLayout
      frame={frame}
      view="approvals"
      title={a.title}
      crumbs={<a href="/console/approvals">Approvals</a>}
      subtitle={
        <>
          <Badge status={a.status} /> {describePolicy(a.policy, a.approvers.length)}
        </>
      }
      actions={
        pending ? (
          <ActionButton
            action={`/console/approvals/${a.id}/cancel`}
            csrf={frame.csrf}
            label="Cancel approval"
            kind="danger"
            confirm="Cancel this approval? Its links stop working; CDF is not told."
          />
        ) : undefined
      }
    >
      <section class="panel">
        <h2>Approvers</h2>
        <DataTable
          columns={approverColumns(frame, a, mails, pending && a.notify)}
          rows={a.approvers.map((person, index) => ({ person, index }))}
          caption="Approvers"
        />
      </section>
      <section class="panel">
        <h2>Facts</h2>
        <div class="panel-body">
          <dl class="facts">
            <dt>Approval id</dt>
            <dd class="mono">{a.id}</dd>
            <dt>Task id</dt>
            <dd class="mono">{a.taskId}</dd>
            <dt>Created</dt>
            <dd>
              <Utc at={a.createdAt} />
            </dd>
            <dt>Expires</dt>
            <dd>
              <Utc at={a.expiresAt} /> (<When at={a.expiresAt} now={frame.now} />)
            </dd>
            <dt>On reject / expiry</dt>
            <dd>
              {a.onReject} / {a.onExpire}
            </dd>
            <dt>Outcome delivery</dt>
            <dd>
              <IdLink
                id={a.deliveryId}
                href={a.deliveryId ? `/console/deliveries/${a.deliveryId}` : undefined}
              />
            </dd>
            {a.description ? (
              <>
                <dt>Description</dt>
                <dd>{a.description}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </section>
      <AuditTimeline history={history} subject={a.id} />
    </ConsoleLayout>
  );
};
