/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { Page, WaitRecord } from "../../ports/store.js";
import {
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
  When,
} from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export interface WaitQuery {
  status?: string | undefined;
  source?: string | undefined;
  taskId?: string | undefined;
  correlationKey?: string | undefined;
  cursor?: string | undefined;
}

export const WAIT_STATUSES = ["open", "closed", "cancelled", "expired"] as const;

const columns = (now: number): Column<WaitRecord>[] => [
  { label: "Wait", cell: (w) => <IdLink id={w.id} href={`/console/waits/${w.id}`} /> },
  { label: "Status", cell: (w) => <Badge status={w.status} /> },
  { label: "Task", cell: (w) => <IdLink id={w.taskId} /> },
  { label: "Source", wide: true, cell: (w) => <Text value={w.source} /> },
  { label: "Correlation key", wide: true, class: "mono", cell: (w) => <Text value={w.correlationKey} /> },
  { label: "Created", wide: true, cell: (w) => <When at={w.createdAt} now={now} /> },
  {
    label: "Expires",
    cell: (w) => (w.status === "open" ? <When at={w.expiresAt} now={now} /> : <span class="muted">—</span>),
  },
];

export const WaitsView: FC<{ frame: Frame; page: Page<WaitRecord>; query: WaitQuery }> = ({
  frame,
  page,
  query,
}) => {
  const filtered = Boolean(query.status || query.source || query.taskId || query.correlationKey);
  return (
    <ConsoleLayout
      frame={frame}
      view="waits"
      title="Waits"
      subtitle="Tasks held IN_PROGRESS until their callback arrives"
    >
      <FilterBar action="/console/waits" filtered={filtered}>
        <Select name="status" label="Status" value={query.status} options={WAIT_STATUSES} />
        <Field name="source" label="Source" value={query.source} placeholder="any" />
        <Field name="taskId" label="Task id" value={query.taskId} placeholder="exact id" />
        <Field
          name="correlationKey"
          label="Correlation key"
          value={query.correlationKey}
          placeholder="exact key"
        />
      </FilterBar>
      <DataTable
        columns={columns(frame.now)}
        rows={page.items}
        caption="Waits"
        empty={
          <Empty title={filtered ? "No wait matches these filters" : "No waits yet"}>
            {filtered ? (
              <p>Clear a filter, or check the spelling of the id or key (they must match exactly).</p>
            ) : (
              <p>
                A task's Cognite Function registers one with <code>POST /v1/waits</code>; it shows here with
                its callback state.
              </p>
            )}
          </Empty>
        }
      />
      <Pager path="/console/waits" query={{ ...query }} next={page.nextCursor} shown={page.items.length} />
    </ConsoleLayout>
  );
};
