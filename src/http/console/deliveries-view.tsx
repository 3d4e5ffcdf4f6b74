/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { DeliveryRecord, Page } from "../../ports/store.js";
import { ActionButton, Empty, Field, FilterBar, Pager, Select } from "./components.js";
import { DeliveryTable } from "./delivery-table.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export const DELIVERY_STATUSES = ["pending", "delivered", "dead", "parked", "ignored", "expired"] as const;

export interface DeliveryQuery {
  status?: string | undefined;
  source?: string | undefined;
  cursor?: string | undefined;
}

export const DeliveriesView: FC<{ frame: Frame; page: Page<DeliveryRecord>; query: DeliveryQuery }> = ({
  frame,
  page,
  query,
}) => {
  const filtered = Boolean(query.status || query.source);
  return (
    <ConsoleLayout
      frame={frame}
      view="deliveries"
      title="Deliveries"
      subtitle="Every accepted callback and webhook, and its way to CDF"
    >
      <FilterBar action="/console/deliveries" filtered={filtered}>
        <Select name="status" label="Status" value={query.status} options={DELIVERY_STATUSES} />
        <Field name="source" label="Source" value={query.source} placeholder="any" />
      </FilterBar>
      <DeliveryTable
        items={page.items}
        now={frame.now}
        actions={(d) =>
          d.status === "dead" || d.status === "delivered" ? (
            <ActionButton
              action={`/console/deliveries/${d.id}/replay`}
              csrf={frame.csrf}
              label="Replay"
              small
            />
          ) : null
        }
        empty={
          <Empty title={filtered ? "No delivery matches these filters" : "No deliveries yet"}>
            <p>
              {filtered
                ? "Clear a filter to see more."
                : "A call to a wait's callback URL, or a signed webhook to /hooks/<source>, becomes a delivery."}
            </p>
          </Empty>
        }
      />
      <Pager
        path="/console/deliveries"
        query={{ ...query }}
        next={page.nextCursor}
        shown={page.items.length}
      />
    </ConsoleLayout>
  );
};

/** Dead letters: what CDF refused or what ran out of time; replay one, or all that match a filter. */
export const DeadLettersView: FC<{
  frame: Frame;
  page: Page<DeliveryRecord>;
  query: DeliveryQuery;
}> = ({ frame, page, query }) => (
  <ConsoleLayout
    frame={frame}
    view="dead"
    title="Dead letters"
    subtitle="Deliveries given up: CDF refused them, or they ran out of time"
  >
    <FilterBar action="/console/dead-letters" filtered={Boolean(query.source)}>
      <Field name="source" label="Source" value={query.source} placeholder="any" />
    </FilterBar>
    {page.items.length > 0 ? (
      <form
        method="post"
        action="/console/dead-letters/replay"
        class="filters"
        data-confirm="Replay every dead letter that matches?"
      >
        <input type="hidden" name="csrf" value={frame.csrf} />
        <input type="hidden" name="source" value={query.source ?? ""} />
        <div>
          <strong>Replay in bulk</strong>
          <p class="hint">
            Queues again every dead letter{query.source ? ` from source "${query.source}"` : ""} (not only
            this page).
          </p>
        </div>
        <div>
          <button type="submit" class="btn btn-primary">
            Replay all that match
          </button>
        </div>
      </form>
    ) : null}
    <DeliveryTable
      items={page.items}
      now={frame.now}
      caption="Dead letters"
      actions={(d) => (
        <ActionButton
          action={`/console/deliveries/${d.id}/replay`}
          csrf={frame.csrf}
          label="Replay"
          kind="primary"
          small
          accessibleLabel={`Replay delivery ${d.id}`}
          fields={{ back: "/console/dead-letters" }}
        />
      )}
      empty={
        <Empty title="No dead letters">
          <p>
            Nothing has been given up{query.source ? ` for source "${query.source}"` : ""}. Deliveries that
            CDF refuses for good land here.
          </p>
        </Empty>
      }
    />
    <Pager
      path="/console/dead-letters"
      query={{ ...query }}
      next={page.nextCursor}
      shown={page.items.length}
    />
  </ConsoleLayout>
);

/** Parked callbacks: webhooks that arrived before their wait; release one to a wait, or discard it. */
export const ParkedView: FC<{ frame: Frame; page: Page<DeliveryRecord>; query: DeliveryQuery }> = ({
  frame,
  page,
  query,
}) => (
  <ConsoleLayout
    frame={frame}
    view="parked"
    title="Parked callbacks"
    subtitle="Webhooks that arrived before their wait was registered"
  >
    <FilterBar action="/console/parked" filtered={Boolean(query.source)}>
      <Field name="source" label="Source" value={query.source} placeholder="any" />
    </FilterBar>
    <DeliveryTable
      items={page.items}
      now={frame.now}
      caption="Parked callbacks"
      actions={(d) => (
        <span class="actions">
          <form method="post" action={`/console/parked/${d.id}/release`} class="actions">
            <input type="hidden" name="csrf" value={frame.csrf} />
            <label class="sr-only" for={`w-${d.id}`}>
              Wait id to release to
            </label>
            <input type="text" id={`w-${d.id}`} name="waitId" placeholder="wait id (or by key)" size={14} />
            <button type="submit" class="btn btn-small">
              Release
            </button>
          </form>
          <ActionButton
            action={`/console/parked/${d.id}/discard`}
            csrf={frame.csrf}
            label="Discard"
            kind="danger"
            small
            confirm="Discard this parked callback? It will never be delivered."
          />
        </span>
      )}
      empty={
        <Empty title="Nothing parked">
          <p>
            A webhook whose correlation key has no open wait is kept here for the source's{" "}
            <code>parkUnmatchedFor</code>, and released as soon as the wait is registered.
          </p>
        </Empty>
      }
    />
    <Pager path="/console/parked" query={{ ...query }} next={page.nextCursor} shown={page.items.length} />
  </ConsoleLayout>
);
