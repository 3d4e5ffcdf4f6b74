/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { Child, FC } from "hono/jsx";
import type { DeliveryRecord } from "../../ports/store.js";
import { Badge, IdLink, Text, When } from "./components.js";

/** The deliveries table every list shares (deliveries, dead letters, parked, a wait's own). */
export const DeliveryTable: FC<{
  items: readonly DeliveryRecord[];
  now: number;
  /** A last column of buttons per row (replay, release, discard). */
  actions?: (d: DeliveryRecord) => Child;
  caption?: string;
}> = ({ items, now, actions, caption }) => (
  <div class="table-wrap">
    <table class="stack">
      {caption ? <caption class="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          <th>Delivery</th>
          <th>Status</th>
          <th class="wide">Source</th>
          <th class="wide">Task</th>
          <th class="num wide">Attempts</th>
          <th>Last result</th>
          <th class={actions ? "wide" : ""}>Received</th>
          {actions ? <th>Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr>
            <td data-label="Delivery">
              <IdLink id={d.id} href={`/console/deliveries/${d.id}`} />
            </td>
            <td data-label="Status">
              <Badge status={d.status} />
            </td>
            <td data-label="Source" class="wide">
              <Text value={d.source} />
            </td>
            <td data-label="Task" class="wide">
              <IdLink id={d.taskId} />
            </td>
            <td data-label="Attempts" class="num wide">
              {d.attempts}
            </td>
            <td data-label="Last result" class="span">
              {d.lastStatus !== null || d.lastError ? (
                <span class={d.status === "dead" ? "error-text" : ""}>
                  {d.lastStatus !== null ? <span class="mono">{d.lastStatus} </span> : null}
                  {d.lastError ?? ""}
                </span>
              ) : d.reason ? (
                <span class="muted">{d.reason}</span>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
            <td data-label="Received" class={actions ? "wide" : ""}>
              <When at={d.createdAt} now={now} />
            </td>
            {actions ? (
              <td data-label="Actions" class="span nowrap">
                {actions(d)}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);
