/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { AttemptRecord, DeliveryRecord } from "../../ports/store.js";
import { AuditTimeline, type History } from "./audit-timeline.js";
import {
  ActionButton,
  Badge,
  type Column,
  DataTable,
  Empty,
  IdLink,
  Json,
  Text,
  Utc,
  When,
} from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

const ATTEMPT_COLUMNS: readonly Column<AttemptRecord>[] = [
  { label: "#", num: true, cell: (a) => a.attempt },
  { label: "Started", cell: (a) => <Utc at={a.startedAt} /> },
  { label: "Result", cell: (a) => <Badge status={a.outcome} /> },
  { label: "CDF status", class: "mono", cell: (a) => a.httpStatus ?? "—" },
  { label: "CDF x-request-id", span: true, class: "mono", cell: (a) => <Text value={a.requestId} /> },
  {
    label: "Message",
    span: true,
    class: (a) => (a.outcome === "dead" ? "error-text" : undefined),
    cell: (a) => <Text value={a.error} />,
  },
  { label: "Took", wide: true, num: true, cell: (a) => `${Math.max(0, a.finishedAt - a.startedAt)} ms` },
];

/**
 * One delivery with every attempt (time, CDF status, CDF request id, message), the body sent, and
 * its history.
 */
export const DeliveryView: FC<{
  frame: Frame;
  delivery: DeliveryRecord;
  attempts: readonly AttemptRecord[];
  history: History;
}> = ({ frame, delivery: d, attempts, history }) => {
  const replayable = d.status === "dead" || d.status === "delivered";
  return (
    <ConsoleLayout
      frame={frame}
      view={d.status === "dead" ? "dead" : d.status === "parked" ? "parked" : "deliveries"}
      title="Delivery"
      crumbs={<a href="/console/deliveries">Deliveries</a>}
      subtitle={
        <>
          <span class="mono">{d.id}</span> <Badge status={d.status} />
        </>
      }
      actions={
        replayable ? (
          <ActionButton
            action={`/console/deliveries/${d.id}/replay`}
            csrf={frame.csrf}
            label="Replay"
            kind="primary"
            fields={{ back: `/console/deliveries/${d.id}` }}
          />
        ) : undefined
      }
    >
      <div class="grid2">
        <section class="panel">
          <h2>Facts</h2>
          <div class="panel-body">
            <dl class="facts">
              <dt>Wait</dt>
              <dd>
                <IdLink id={d.waitId} href={d.waitId ? `/console/waits/${d.waitId}` : undefined} />
              </dd>
              <dt>Task</dt>
              <dd class="mono">
                <Text value={d.taskId} />
              </dd>
              <dt>Source</dt>
              <dd>
                <Text value={d.source} />
              </dd>
              <dt>Correlation key</dt>
              <dd class="mono">
                <Text value={d.correlationKey} />
              </dd>
              <dt>Dedupe key</dt>
              <dd class="mono">
                <Text value={d.dedupeKey} />
              </dd>
              <dt>Received</dt>
              <dd>
                <Utc at={d.createdAt} /> (<When at={d.createdAt} now={frame.now} />)
              </dd>
              <dt>Delivered</dt>
              <dd>
                <Utc at={d.deliveredAt} />
              </dd>
              {d.status === "pending" ? (
                <>
                  <dt>Next attempt</dt>
                  <dd>
                    <When at={d.nextAttemptAt} now={frame.now} />
                  </dd>
                </>
              ) : null}
              <dt>Retried until</dt>
              <dd>
                <Utc at={d.deliverUntil} />
              </dd>
              {d.parkUntil ? (
                <>
                  <dt>Parked until</dt>
                  <dd>
                    <Utc at={d.parkUntil} />
                  </dd>
                </>
              ) : null}
              {d.reason ? (
                <>
                  <dt>Reason</dt>
                  <dd>{d.reason}</dd>
                </>
              ) : null}
            </dl>
          </div>
        </section>
        <section class="panel">
          <h2>Update body sent to CDF</h2>
          <div class="panel-body">
            <Json value={d.update} />
          </div>
        </section>
      </div>
      <h2>Attempts</h2>
      <DataTable
        columns={ATTEMPT_COLUMNS}
        rows={attempts}
        caption="Attempts"
        empty={
          <Empty title="No attempt yet">
            <p>
              {d.status === "pending"
                ? "The forwarder will send it shortly."
                : d.status === "parked"
                  ? "Parked deliveries are sent once their wait is registered."
                  : "This delivery was never sent to CDF."}
            </p>
          </Empty>
        }
      />
      <p class="hint">Every attempt sent the update body shown above.</p>
      <AuditTimeline history={history} subject={d.id} />
    </ConsoleLayout>
  );
};
