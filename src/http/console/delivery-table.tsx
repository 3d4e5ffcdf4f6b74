/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { Child, FC } from "hono/jsx";
import type { DeliveryRecord } from "../../ports/store.js";
import { Badge, type Column, DataTable, IdLink, Text, When } from "./components.js";

/** The columns of a deliveries table, with a last column of buttons when `actions` is given. */
function deliveryColumns(
  now: number,
  actions: ((d: DeliveryRecord) => Child) | undefined,
): (Column<DeliveryRecord> | false)[] {
  return [
    { label: "Delivery", cell: (d) => <IdLink id={d.id} href={`/console/deliveries/${d.id}`} /> },
    { label: "Status", cell: (d) => <Badge status={d.status} /> },
    { label: "Source", wide: true, cell: (d) => <Text value={d.source} /> },
    { label: "Task", wide: true, cell: (d) => <IdLink id={d.taskId} /> },
    { label: "Attempts", num: true, wide: true, cell: (d) => d.attempts },
    {
      label: "Last result",
      span: true,
      cell: (d) =>
        d.lastStatus !== null || d.lastError ? (
          <span class={d.status === "dead" ? "error-text" : ""}>
            {d.lastStatus !== null ? <span class="mono">{d.lastStatus} </span> : null}
            {d.lastError ?? ""}
          </span>
        ) : d.reason ? (
          <span class="muted">{d.reason}</span>
        ) : (
          <span class="muted">—</span>
        ),
    },
    // With buttons to show, the time gives way on a phone.
    { label: "Received", wide: actions !== undefined, cell: (d) => <When at={d.createdAt} now={now} /> },
    actions !== undefined && { label: "Actions", span: true, class: "nowrap", cell: actions },
  ];
}

/** The deliveries table every list shares (deliveries, dead letters, parked, a wait's own). */
export const DeliveryTable: FC<{
  items: readonly DeliveryRecord[];
  now: number;
  /** A last column of buttons per row (replay, release, discard). */
  actions?: (d: DeliveryRecord) => Child;
  caption?: string;
  /** Shown instead of the table when there are no deliveries. */
  empty?: Child;
}> = ({ items, now, actions, caption = "Deliveries", empty }) => (
  <DataTable columns={deliveryColumns(now, actions)} rows={items} caption={caption} empty={empty} />
);
