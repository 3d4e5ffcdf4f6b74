/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import type { Page } from "../../ports/page.js";
import type { RejectionRecord } from "../../ports/rejection-store.js";
import { type Column, DataTable, Empty, Field, FilterBar, Pager, Text, When } from "./components.js";
import { ConsoleLayout, type Frame } from "./layout.js";

export interface RejectionQuery {
  source?: string | undefined;
  code?: string | undefined;
  cursor?: string | undefined;
}

/** The codes a public route refuses with, for the filter (any other code can still be typed). */
export const REJECTION_CODES = [
  "signature_invalid",
  "timestamp_out_of_tolerance",
  "unknown_source",
  "payload_too_large",
  "malformed_body",
  "too_deep",
  "invalid_number",
  "invalid_request",
  "unsupported_media_type",
  "mapping_failed",
  "output_too_large",
  "token_invalid",
  "token_expired",
  "wait_closed",
  "rate_limited",
] as const;

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

const columns = (now: number): Column<RejectionRecord>[] => [
  { label: "When", cell: (r) => <When at={r.at} now={now} /> },
  {
    label: "Code",
    cell: (r) => (
      <>
        <span class="badge b-bad">{r.code}</span> <span class="muted">{r.status}</span>
      </>
    ),
  },
  { label: "Route", cell: (r) => (r.route === "hook" ? "webhook" : "callback") },
  { label: "Source", cell: (r) => <Text value={r.source} /> },
  { label: "Client", wide: true, class: "mono", cell: (r) => <Text value={r.clientIp} /> },
  { label: "User agent", wide: true, cell: (r) => <Text value={r.userAgent} /> },
  {
    label: "Body",
    wide: true,
    cell: (r) =>
      r.bodySize === null ? (
        <span class="muted">—</span>
      ) : (
        <span title={r.bodySha256 ? `SHA-256 ${r.bodySha256}` : "not read"}>{kb(r.bodySize)}</span>
      ),
  },
  {
    label: "Headers",
    wide: true,
    cell: (r) => (
      <span class="muted" title={r.headerNames.join(", ")}>
        {r.headerNames.length} names
      </span>
    ),
  },
];

/**
 * Requests refused before acceptance (bad signature, stale timestamp, unknown source, bad token,
 * …), newest first: who sent what kind of request, never its body, header values or token.
 */
export const RejectionsView: FC<{
  frame: Frame;
  page: Page<RejectionRecord>;
  query: RejectionQuery;
  enabled: boolean;
}> = ({ frame, page, query, enabled }) => {
  const filtered = Boolean(query.source || query.code);
  return (
    <ConsoleLayout
      frame={frame}
      view="rejections"
      title="Rejected requests"
      subtitle="Webhooks and callbacks refused before acceptance"
    >
      <FilterBar action="/console/rejections" filtered={filtered}>
        <Field name="source" label="Source" value={query.source} placeholder="any" />
        <Field name="code" label="Code" value={query.code} placeholder="any" suggest={REJECTION_CODES} />
      </FilterBar>
      <DataTable
        columns={columns(frame.now)}
        rows={page.items}
        caption="Rejected requests"
        empty={
          <Empty
            title={
              filtered
                ? "No rejected request matches these filters"
                : enabled
                  ? "No request has been refused"
                  : "The rejected-request log is off"
            }
          >
            {filtered ? (
              <p>Clear a filter, or check the source's name (it must match exactly).</p>
            ) : enabled ? (
              <p>
                A webhook with a bad signature, a stale timestamp or an unknown source, or a callback with a
                bad token, is listed here with its code and client. Try <code>taskgate send</code> with a
                wrong secret to see one.
              </p>
            ) : (
              <p>
                Set{" "}
                <code>
                  "rejections": {"{"}"enabled": true{"}"}
                </code>{" "}
                in the config to record refused requests here.
              </p>
            )}
          </Empty>
        }
      />
      <Pager
        path="/console/rejections"
        query={{ ...query }}
        next={page.nextCursor}
        shown={page.items.length}
      />
    </ConsoleLayout>
  );
};
