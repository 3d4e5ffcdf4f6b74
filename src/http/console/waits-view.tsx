/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { Page, WaitRecord } from "../../ports/store.js";
import { Badge, Empty, Field, FilterBar, IdLink, Pager, Select, Text, When } from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export interface WaitQuery {
  status?: string | undefined;
  source?: string | undefined;
  taskId?: string | undefined;
  correlationKey?: string | undefined;
  cursor?: string | undefined;
}

export const WAIT_STATUSES = ["open", "closed", "cancelled", "expired"] as const;

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
      {page.items.length === 0 ? (
        <Empty title={filtered ? "No wait matches these filters" : "No waits yet"}>
          {filtered ? (
            <p>Clear a filter, or check the spelling of the id or key (they must match exactly).</p>
          ) : (
            <p>
              A task's Cognite Function registers one with <code>POST /v1/waits</code>; it shows here with its
              callback state.
            </p>
          )}
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Wait</th>
                <th>Status</th>
                <th>Task</th>
                <th class="wide">Source</th>
                <th class="wide">Correlation key</th>
                <th class="wide">Created</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((w) => (
                <tr>
                  <td>
                    <IdLink id={w.id} href={`/console/waits/${w.id}`} />
                  </td>
                  <td>
                    <Badge status={w.status} />
                  </td>
                  <td>
                    <IdLink id={w.taskId} />
                  </td>
                  <td class="wide">
                    <Text value={w.source} />
                  </td>
                  <td class="wide mono">
                    <Text value={w.correlationKey} />
                  </td>
                  <td class="wide">
                    <When at={w.createdAt} now={frame.now} />
                  </td>
                  <td>
                    {w.status === "open" ? (
                      <When at={w.expiresAt} now={frame.now} />
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
      <Pager path="/console/waits" query={{ ...query }} next={page.nextCursor} shown={page.items.length} />
    </ConsoleLayout>
  );
};
