/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/** Small pieces every console view shares: status badges, times, ids, pagers, empty states, forms. */

import type { Child, FC } from "hono/jsx";
import { formatDuration, formatUtc, isoTime } from "../pages/format-time.js";

type Tone = "ok" | "bad" | "wait" | "info" | "off";

/** Every status taskgate stores, with the tone it is drawn in. The word is always shown too. */
const TONES: Record<string, Tone> = {
  delivered: "ok",
  approved: "ok",
  sent: "ok",
  closed: "ok",
  dead: "bad",
  rejected: "bad",
  failed: "bad",
  pending: "wait",
  open: "info",
  parked: "info",
  retry: "wait",
  reconciled: "ok",
  expired: "off",
  cancelled: "off",
  ignored: "off",
  skipped: "off",
  captured: "ok",
};

export const Badge: FC<{ status: string; label?: string }> = ({ status, label }) => (
  <span class={`badge b-${TONES[status] ?? "off"}`}>{label ?? status}</span>
);

/** "12 min ago" with the exact UTC time on hover and for machines. */
export const When: FC<{ at: number | null | undefined; now: number }> = ({ at, now }) => {
  if (at === null || at === undefined) return <span class="muted">—</span>;
  const delta = now - at;
  const words =
    Math.abs(delta) < 60_000
      ? "just now"
      : delta > 0
        ? `${formatDuration(delta)} ago`
        : `in ${formatDuration(-delta)}`;
  return (
    <time class="nowrap" datetime={isoTime(at)} title={formatUtc(at)}>
      {words}
    </time>
  );
};

export const Utc: FC<{ at: number | null | undefined }> = ({ at }) =>
  at === null || at === undefined ? (
    <span class="muted">—</span>
  ) : (
    <time datetime={isoTime(at)}>{formatUtc(at)}</time>
  );

/** Ids are long uuid7s: show the tail, which is what differs between neighbours, and link it. */
export const IdLink: FC<{ id: string | null; href?: string }> = ({ id, href }) => {
  if (!id) return <span class="muted">—</span>;
  const short = id.length > 13 ? `…${id.slice(-12)}` : id;
  return href ? (
    <a class="mono" href={href} title={id}>
      {short}
    </a>
  ) : (
    <span class="mono" title={id}>
      {short}
    </span>
  );
};

export const Text: FC<{ value: string | null | undefined }> = ({ value }) =>
  value ? <span>{value}</span> : <span class="muted">—</span>;

/** A link to the next page that keeps the view's filters. */
export const Pager: FC<{
  path: string;
  query: Record<string, string | undefined>;
  next: string | null;
  shown: number;
}> = ({ path, query, next, shown }) => {
  const first = query.cursor !== undefined;
  const keep = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, ...extra })) if (v) params.set(k, v);
    const s = params.toString();
    return s ? `${path}?${s}` : path;
  };
  return (
    <nav class="pager" aria-label="Pages">
      <span>
        {shown} shown{first ? " (not the first page)" : ""}
      </span>
      <span class="actions">
        {first ? (
          <a class="btn btn-small" href={keep({ cursor: undefined })}>
            First page
          </a>
        ) : null}
        {next ? (
          <a class="btn btn-small" href={keep({ cursor: next })} rel="next">
            Next page →
          </a>
        ) : null}
      </span>
    </nav>
  );
};

export const Empty: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty">
    <strong>{title}</strong>
    {children}
  </div>
);

/** A one-button form for an operator action; `confirm` asks first where the script runs. */
export const ActionButton: FC<{
  action: string;
  csrf: string;
  label: string;
  kind?: "primary" | "danger" | "plain";
  small?: boolean;
  confirm?: string;
  fields?: Record<string, string>;
  accessibleLabel?: string;
}> = ({ action, csrf, label, kind = "plain", small, confirm, fields, accessibleLabel }) => (
  <form method="post" action={action} class="inline" data-confirm={confirm}>
    <input type="hidden" name="csrf" value={csrf} />
    {Object.entries(fields ?? {}).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
    <button
      type="submit"
      class={`btn${kind === "plain" ? "" : ` btn-${kind}`}${small ? " btn-small" : ""}`}
      aria-label={accessibleLabel}
    >
      {label}
    </button>
  </form>
);

/** A select whose current value is preselected; "" means "any". */
export const Select: FC<{
  name: string;
  label: string;
  value: string | undefined;
  options: readonly string[];
}> = ({ name, label, value, options }) => (
  <div>
    <label for={`f-${name}`}>{label}</label>
    <select id={`f-${name}`} name={name}>
      <option value="" selected={!value}>
        any
      </option>
      {options.map((o) => (
        <option value={o} selected={o === value}>
          {o}
        </option>
      ))}
    </select>
  </div>
);

export const Field: FC<{
  name: string;
  label: string;
  value: string | undefined;
  placeholder?: string;
  /** Suggestions the browser offers while typing (a `<datalist>`); any value can still be typed. */
  suggest?: readonly string[];
}> = ({ name, label, value, placeholder, suggest }) => (
  <div>
    <label for={`f-${name}`}>{label}</label>
    <input
      type="search"
      id={`f-${name}`}
      name={name}
      value={value ?? ""}
      placeholder={placeholder}
      list={suggest ? `f-${name}-list` : undefined}
    />
    {suggest ? (
      <datalist id={`f-${name}-list`}>
        {suggest.map((v) => (
          <option value={v} />
        ))}
      </datalist>
    ) : null}
  </div>
);

export const Json: FC<{ value: unknown }> = ({ value }) => <pre>{JSON.stringify(value, null, 2)}</pre>;

/**
 * A list view's filter form (GET, so a filtered view is a link): its fields, then Filter, and
 * Clear once something is filtered. Every list view uses this one, so they read alike.
 */
export const FilterBar: FC<{ action: string; filtered: boolean; label?: string; children: Child }> = ({
  action,
  filtered,
  label = "Filters",
  children,
}) => (
  <form class="filters" method="get" action={action} aria-label={label}>
    {children}
    <div>
      <button type="submit" class="btn btn-primary">
        Filter
      </button>
    </div>
    {filtered ? (
      <div>
        <a class="btn" href={action}>
          Clear
        </a>
      </div>
    ) : null}
  </form>
);

/** A column of a DataTable: its heading and how a row fills its cell. */
export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  /** Hidden on narrow screens (below 48rem). */
  wide?: boolean;
  /** Right-aligned figures. */
  num?: boolean;
  /** Takes a stacked row's whole width on a phone (long text, buttons). */
  span?: boolean;
  /** More classes for its cells ("mono", "error-text", "nowrap"), or per row. */
  class?: string | ((row: T) => string | undefined);
}

const classes = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(" ") || undefined;

/**
 * The table every console list and detail page draws: headings from its columns, a row per item
 * with each cell labelled (`data-label`), a caption for screen readers, sideways scrolling, and
 * on a phone each row stacked into a card. `empty` stands in for the table when there are no
 * rows. A column may be left out with `false` (a column of buttons only where they apply).
 */
export function DataTable<T>({
  columns,
  rows,
  caption,
  empty,
}: {
  columns: readonly (Column<T> | false)[];
  rows: readonly T[];
  caption: string;
  empty?: Child;
}) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <div class="table-wrap">
      <table class="stack">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {shown.map((col) => (
              <th class={classes(col.num && "num", col.wide && "wide")}>{col.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {shown.map((col) => (
                <td
                  data-label={col.label}
                  class={classes(
                    col.num && "num",
                    col.wide && "wide",
                    col.span && "span",
                    typeof col.class === "function" ? col.class(row) : col.class,
                  )}
                >
                  {col.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
