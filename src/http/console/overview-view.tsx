/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { DeliveryRecord, DeliveryStatus } from "../../ports/store.js";
import { formatDuration } from "../pages/format-time.js";
import { Badge, type Column, DataTable, Empty, IdLink, Text, When } from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export interface OverviewData {
  counts: Record<DeliveryStatus, number>;
  /** Forward latency (accepted → delivered) over the most recent deliveries, in ms. */
  latency: { p50: number; p95: number; sample: number } | null;
  /** When the oldest pending delivery became due, if one is due now. */
  oldestDueAt: number | undefined;
  recentFailures: DeliveryRecord[];
  retrying: DeliveryRecord[];
}

const STATES: readonly { status: DeliveryStatus; label: string; href: string; note: string }[] = [
  {
    status: "pending",
    label: "Pending",
    href: "/console/deliveries?status=pending",
    note: "on their way to CDF",
  },
  {
    status: "delivered",
    label: "Delivered",
    href: "/console/deliveries?status=delivered",
    note: "CDF has them",
  },
  { status: "dead", label: "Dead letters", href: "/console/dead-letters", note: "need a person" },
  { status: "parked", label: "Parked", href: "/console/parked", note: "waiting for their wait" },
  { status: "ignored", label: "Ignored", href: "/console/deliveries?status=ignored", note: "not for us" },
  {
    status: "expired",
    label: "Expired",
    href: "/console/deliveries?status=expired",
    note: "parked too long",
  },
];

const ms = (v: number): string =>
  v < 1000 ? `${Math.round(v)} ms` : v < 60_000 ? `${(v / 1000).toFixed(1)} s` : formatDuration(v);

/** Dead letters and deliveries CDF refused that are being retried. */
const failureColumns = (now: number): Column<DeliveryRecord>[] => [
  { label: "Delivery", cell: (d) => <IdLink id={d.id} href={`/console/deliveries/${d.id}`} /> },
  {
    label: "State",
    cell: (d) => (
      <Badge
        status={d.status === "pending" ? "retry" : d.status}
        label={d.status === "pending" ? "retrying" : d.status}
      />
    ),
  },
  { label: "Source", wide: true, cell: (d) => <Text value={d.source} /> },
  {
    label: "CDF said",
    span: true,
    class: "error-text",
    cell: (d) => (
      <>
        {d.lastStatus ? <span class="mono">{d.lastStatus} </span> : null}
        <Text value={d.lastError} />
      </>
    ),
  },
  { label: "When", cell: (d) => <When at={d.updatedAt} now={now} /> },
];
export const OverviewView: FC<{ frame: Frame; data: OverviewData }> = ({ frame, data }) => {
  const { counts, latency, oldestDueAt, recentFailures, retrying } = data;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const dueFor = oldestDueAt !== undefined && oldestDueAt <= frame.now ? frame.now - oldestDueAt : null;
  return (
    <ConsoleLayout
      frame={frame}
      view="overview"
      title="Overview"
      subtitle={`${total.toLocaleString("en")} deliveries stored`}
    >
      <div class="cards">
        {STATES.map((s) => (
          <a class={`card${s.status === "dead" && counts.dead > 0 ? " card-alert" : ""}`} href={s.href}>
            <span class="label">{s.label}</span>
            <span class="value">{counts[s.status].toLocaleString("en")}</span>
            <span class="note">{s.note}</span>
          </a>
        ))}
      </div>
      <div class="cards">
        <div class="card">
          <span class="label">Forward latency p50</span>
          <span class="value">{latency ? ms(latency.p50) : "—"}</span>
          <span class="note">
            {latency ? `accepted → delivered, last ${latency.sample}` : "nothing delivered yet"}
          </span>
        </div>
        <div class="card">
          <span class="label">Forward latency p95</span>
          <span class="value">{latency ? ms(latency.p95) : "—"}</span>
          <span class="note">{latency ? `over the same ${latency.sample}` : "nothing delivered yet"}</span>
        </div>
        <div class={`card${dueFor !== null && dueFor > 60_000 ? " card-alert" : ""}`}>
          <span class="label">Oldest due delivery</span>
          <span class="value">{dueFor === null ? "none" : ms(dueFor)}</span>
          <span class="note">
            {dueFor === null
              ? "nothing is waiting to be sent"
              : "overdue; the forwarder is behind or CDF refuses"}
          </span>
        </div>
      </div>
      <section class="panel">
        <h2>Recent failures</h2>
        <DataTable
          columns={failureColumns(frame.now)}
          rows={[...recentFailures, ...retrying]}
          caption="Recent failures"
          empty={
            <div class="panel-body">
              <Empty title="No failures">
                <p>Dead letters and deliveries that CDF refused will show here.</p>
              </Empty>
            </div>
          }
        />
      </section>
    </ConsoleLayout>
  );
};
