/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { DeliveryRecord, WaitRecord } from "../../ports/store.js";
import { AuditTimeline, type History } from "./audit-timeline.js";
import { ActionButton, Badge, Empty, IdLink, Json, Text, Utc, When } from "./components.js";
import { DeliveryTable } from "./delivery-table.js";
import { ConsoleLayout, type Frame } from "./layout.js";

/**
 * One wait: its facts, its deliveries, the callbacks parked for its key, what an operator can do,
 * and its history (with its deliveries' steps).
 */
export const WaitView: FC<{
  frame: Frame;
  wait: WaitRecord;
  deliveries: readonly DeliveryRecord[];
  parked: readonly DeliveryRecord[];
  history: History;
}> = ({ frame, wait, deliveries, parked, history }) => {
  const open = wait.status === "open" && wait.expiresAt > frame.now;
  const base = `/console/waits/${wait.id}`;
  return (
    <ConsoleLayout
      frame={frame}
      view="waits"
      title="Wait"
      crumbs={<a href="/console/waits">Waits</a>}
      subtitle={
        <>
          <span class="mono">{wait.id}</span> <Badge status={wait.status} />
        </>
      }
      actions={
        open ? (
          <ActionButton
            action={`${base}/cancel`}
            csrf={frame.csrf}
            label="Cancel wait"
            kind="danger"
            confirm="Cancel this wait? CDF is not told; the task stays IN_PROGRESS."
          />
        ) : undefined
      }
    >
      <div class="grid2">
        <section class="panel">
          <h2>Facts</h2>
          <div class="panel-body">
            <dl class="facts">
              <dt>Task id</dt>
              <dd class="mono">{wait.taskId}</dd>
              <dt>Task external id</dt>
              <dd>
                <Text value={wait.taskExternalId} />
              </dd>
              <dt>Execution</dt>
              <dd class="mono">
                <Text value={wait.executionId} />
              </dd>
              <dt>Source</dt>
              <dd>
                <Text value={wait.source} />
              </dd>
              <dt>Correlation key</dt>
              <dd class="mono">
                <Text value={wait.correlationKey} />
              </dd>
              <dt>Created</dt>
              <dd>
                <Utc at={wait.createdAt} /> (<When at={wait.createdAt} now={frame.now} />)
              </dd>
              <dt>Expires</dt>
              <dd>
                <Utc at={wait.expiresAt} /> (<When at={wait.expiresAt} now={frame.now} />)
              </dd>
              <dt>Closed</dt>
              <dd>
                <Utc at={wait.closedAt} />
              </dd>
              <dt>Closed by delivery</dt>
              <dd>
                <IdLink
                  id={wait.deliveryId}
                  href={wait.deliveryId ? `/console/deliveries/${wait.deliveryId}` : undefined}
                />
              </dd>
            </dl>
          </div>
        </section>
        <section class="panel">
          <h2>Complete or fail the task by hand</h2>
          <div class="panel-body">
            {open ? (
              <form method="post" action={`${base}/resolve`}>
                <input type="hidden" name="csrf" value={frame.csrf} />
                <p class="hint">
                  Sends the update through the outbox, like any callback: it is stored, forwarded to CDF and
                  retried.
                </p>
                <div class="field">
                  <label for="reason">Reason (sent to CDF as the output's "reason")</label>
                  <textarea id="reason" name="reason" maxlength={2048} />
                </div>
                <div class="actions">
                  <button type="submit" name="status" value="COMPLETED" class="btn btn-primary">
                    Complete task
                  </button>
                  <button type="submit" name="status" value="FAILED" class="btn btn-danger">
                    Fail task
                  </button>
                </div>
              </form>
            ) : (
              <p class="muted">
                The wait is {wait.status}; only an open wait can be completed or failed here.
              </p>
            )}
          </div>
        </section>
      </div>
      {wait.output ? (
        <section class="panel">
          <h2>Output template</h2>
          <div class="panel-body">
            <Json value={wait.output} />
          </div>
        </section>
      ) : null}
      <h2>Deliveries</h2>
      <DeliveryTable
        items={deliveries}
        now={frame.now}
        caption="Deliveries of this wait"
        empty={
          <Empty title="No delivery yet">
            <p>The first callback or matching webhook for this wait becomes its delivery.</p>
          </Empty>
        }
      />
      <h2>Parked callbacks for its key</h2>
      <DeliveryTable
        items={parked}
        now={frame.now}
        caption="Parked callbacks"
        actions={(d) => (
          <span class="actions">
            <ActionButton
              action={`/console/parked/${d.id}/release`}
              csrf={frame.csrf}
              label="Release"
              small
              fields={{ waitId: wait.id }}
            />
          </span>
        )}
        empty={
          <Empty title="Nothing parked">
            <p>
              Webhooks for this source and correlation key that arrive before a wait is open are parked here.
            </p>
          </Empty>
        }
      />
      <AuditTimeline history={history} subject={wait.id} />
    </ConsoleLayout>
  );
};
