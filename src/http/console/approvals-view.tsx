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
      {page.items.length === 0 ? (
        <Empty title={filtered ? "No approval matches these filters" : "No approvals yet"}>
          <p>
            {filtered
              ? "Clear a filter to see more."
              : "Create one with POST /v1/approvals; each approver gets their own link."}
          </p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Title</th>
                <th>Status</th>
                <th>Decisions</th>
                <th class="wide">Policy</th>
                <th class="wide">Created</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((a) => (
                <tr>
                  <td>
                    <a href={`/console/approvals/${a.id}`}>{a.title}</a>
                  </td>
                  <td>
                    <Badge status={a.status} />
                  </td>
                  <td class="nowrap">{tally(a)}</td>
                  <td class="wide">{describePolicy(a.policy, a.approvers.length)}</td>
                  <td class="wide">
                    <When at={a.createdAt} now={frame.now} />
                  </td>
                  <td>
                    {a.status === "pending" ? (
                      <When at={a.expiresAt} now={frame.now} />
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path="/console/approvals"
        query={{ ...query }}
        next={page.nextCursor}
        shown={page.items.length}
      />
    </ConsoleLayout>
  );
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
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Approver</th>
                <th>Decision</th>
                <th>Comment</th>
                <th class="wide">From</th>
                <th>Mail</th>
                {pending && a.notify ? <th>Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {a.approvers.map((p, i) => {
                const decision = a.decisions.find((d) => d.approverIndex === i);
                const mail = mails.find((m) => m.approverIndex === i);
                return (
                  <tr>
                    <td>
                      <strong>{p.name ?? p.email}</strong>
                      {p.name ? <div class="muted">{p.email}</div> : null}
                    </td>
                    <td>
                      {decision ? (
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
                      )}
                    </td>
                    <td>
                      <Text value={decision?.comment} />
                    </td>
                    <td class="wide mono">
                      {decision ? `${decision.ip ?? "?"} · ${decision.userAgent ?? "?"}` : "—"}
                    </td>
                    <td>
                      {mail ? (
                        <>
                          <Badge status={mail.status} />
                          {mail.lastError ? <div class="error-text">{mail.lastError}</div> : null}
                        </>
                      ) : (
                        <span class="muted">not mailed</span>
                      )}
                    </td>
                    {pending && a.notify ? (
                      <td>
                        {mail && mail.status !== "pending" && !decision ? (
                          <ActionButton
                            action={`/console/mails/${mail.id}/resend`}
                            csrf={frame.csrf}
                            label="Resend mail"
                            small
                            fields={{ back: `/console/approvals/${a.id}` }}
                          />
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
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
