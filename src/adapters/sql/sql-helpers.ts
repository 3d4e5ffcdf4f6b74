import {
  type Kysely,
  type QueryResult,
  type Selectable,
  type SelectQueryBuilder,
  sql,
  type UpdateResult,
} from "kysely";
import type { Page } from "../../ports/page.js";
import type { SqlDialectOps } from "./dialect-ops.js";
import type { Database } from "./schema.js";

/**
 * `status = 'open'` on waits, written into the SQL rather than bound. SQLite can use the partial
 * index of open waits by source and key (`waits_open_correlation`) only when it sees the value,
 * and a statement whose plan depended on a bound value is compiled again every time it is bound:
 * the webhook's open-wait lookup took ~26 µs that way against ~11 µs with the literal.
 */
export const OPEN = sql.lit<string>("open");

/**
 * How many rows a write touched, whichever way it was run: a statement in an atomic unit
 * (`QueryResult.numAffectedRows`, which the better-sqlite3, pg and D1 drivers all fill, D1 from
 * `meta.changes`) or a Kysely update (`numUpdatedRows`). A missing result counts as none.
 */
export function affectedRows(r: QueryResult<unknown> | UpdateResult | undefined): number {
  if (r === undefined) return 0;
  if ("numUpdatedRows" in r) return Number(r.numUpdatedRows);
  return Number(r.numAffectedRows ?? 0);
}

/** The tables worked off by a claim/lease/retry loop: forwarder deliveries and outbox mails. */
export type LeasedTable = "deliveries" | "mails";

/** The columns a lease touches, common to every leased table. */
interface LeaseColumns {
  id: string;
  status: string;
  due_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  updated_at: number;
  claims: number;
}

export interface ClaimInput {
  now: number;
  owner: string;
  leaseMs: number;
  limit: number;
  /** Deliveries count their leases (`claims`), to spot a worker that died mid-attempt. */
  countClaims?: boolean;
}

/**
 * Leases up to `limit` due rows of `table` to `owner` in one statement, oldest due first.
 * `due_at` folds "next attempt reached" and "no live lease" into one indexed column, so a claim
 * costs the rows it takes, not the backlog of leased work in front of it.
 */
export async function claimWithLease<T extends LeasedTable>(
  db: Kysely<Database>,
  ops: SqlDialectOps,
  table: T,
  input: ClaimInput,
): Promise<Selectable<Database[T]>[]> {
  if (input.limit <= 0) return [];
  const rows = await claimStatement(db, ops, table, input).execute();
  return rows as unknown as Selectable<Database[T]>[];
}

/**
 * The claim as one UPDATE (exported so a test can read its query plan). The inner select finds
 * the due ids through the `(status, due_at)` index; the outer update re-checks them on the row
 * itself, so two claimers can never both win one. The re-check is written as `status || ''` and
 * `due_at + 0` so that no planner takes the due index for it: SQLite otherwise walks every due
 * row of the backlog and tests each against the id list, instead of looking up the few ids.
 */
export function claimStatement(
  db: Kysely<Database>,
  ops: SqlDialectOps,
  table: LeasedTable,
  { now, owner, leaseMs, limit, countClaims = false }: ClaimInput,
) {
  // One view of both tables through their shared lease columns, so the statement is written once.
  const leased = db as unknown as Kysely<Record<LeasedTable, LeaseColumns>>;
  let due = leased
    .selectFrom(table)
    .select("id")
    .where("status", "=", "pending")
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(limit);
  if (ops.skipLocked) due = due.forUpdate().skipLocked();
  return leased
    .updateTable(table)
    .set((eb) => ({
      lease_owner: owner,
      lease_until: now + leaseMs,
      due_at: now + leaseMs,
      updated_at: now,
      ...(countClaims ? { claims: eb("claims", "+", 1) } : {}),
    }))
    .where("id", "in", due)
    .where(sql<string>`${sql.ref("status")} || ''`, "=", "pending")
    .where(sql<number>`${sql.ref("due_at")} + 0`, "<=", now)
    .returningAll();
}

/** The earliest `due_at` of a pending row of `table`: when its loop should next wake. */
export async function nextDueAt(db: Kysely<Database>, table: LeasedTable): Promise<number | undefined> {
  const leased = db as unknown as Kysely<Record<LeasedTable, LeaseColumns>>;
  const row = await leased
    .selectFrom(table)
    .select((eb) => eb.fn.min("due_at").as("next"))
    .where("status", "=", "pending")
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
}

/** Lists fetch one row past the page, to know whether there is a next one. */
const rowsForPage = (limit: number): number => limit + 1;

/**
 * Cuts the `limit + 1` rows of a newest-first list into a page. The cursor is the last item's id
 * (uuid7, so ids order by time): the next page is `id < cursor`.
 */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/**
 * Applies a list's cursor and size: newest first by id, from just below `cursor`, `limit + 1`
 * rows (for `toPage`). Every list in the store pages the same way.
 */
export function newestFirstPage<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  { cursor, limit }: { cursor?: string; limit: number },
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref("id");
  return (cursor ? q.where(id, "<", cursor) : q).orderBy(id, "desc").limit(rowsForPage(limit));
}
