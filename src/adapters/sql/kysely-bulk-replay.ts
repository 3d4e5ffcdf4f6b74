import { type CompiledQuery, type SelectQueryBuilder, sql } from "kysely";
import { type AuditDraft, entryForDelivery, perDeliveryIdPrefix } from "../../core/audit/entry.js";
import type { BulkReplayFilter } from "../../ports/retention.js";
import type { SqlContext } from "./dialect-ops.js";
import { auditInserts, auditToRow, rowStill } from "./kysely-audit.js";
import { requeued } from "./kysely-forwarding.js";
import type { Database } from "./schema.js";
import { affectedRows } from "./sql-helpers.js";

function matching<O>(q: SelectQueryBuilder<Database, "deliveries", O>, f: BulkReplayFilter) {
  let m = q.where("deliveries.status", "=", f.status);
  if (f.source !== undefined) m = m.where("deliveries.source", "=", f.source);
  if (f.since !== undefined) m = m.where("deliveries.created_at", ">=", f.since);
  if (f.until !== undefined) m = m.where("deliveries.created_at", "<", f.until);
  return m;
}

/**
 * A bulk replay: the oldest `limit` matching deliveries queued again, each re-checked in SQL as a
 * single replay is, so nothing is sent twice. With `audit`, every delivery it queues gets its own
 * entry (`entryForDelivery`: the operator, the filter, and the delivery as subject, so the replay
 * is in that delivery's history), written in the same atomic step, exactly for the rows queued:
 *
 * - PostgreSQL: one statement, the insert reading the ids the update returns (`with ... returning`),
 *   the rows picked `for update skip locked` (`replayLocked`).
 * - SQLite and D1 with the sealer: an `insert ... select` of the matching rows, then the update of
 *   the same selection; the step runs alone, so both see the same rows. Two statements whatever
 *   the count (a D1 batch of one statement per delivery would run into D1's query limits).
 * - SQLite linking entries as it writes them (each entry's hash is computed in the statement that
 *   writes it, so it needs the entry's content): the matching ids are read first, then one step
 *   writes each one's entry while it still has the status, and queues exactly those ids.
 */
export async function replayDeliveries(
  ctx: SqlContext,
  filter: BulkReplayFilter,
  now: number,
  deliverUntil: number,
  limit: number,
  audit?: AuditDraft,
): Promise<number> {
  const { db, ops } = ctx;
  if (limit <= 0) return 0;
  if (ops.skipLocked) return replayLocked(ctx, filter, now, deliverUntil, limit, audit);
  const ids = () =>
    matching(db.selectFrom("deliveries").select("deliveries.id"), filter)
      .orderBy("deliveries.id")
      .limit(limit);
  const update = db
    .updateTable("deliveries")
    .set(requeued(now, deliverUntil))
    .where("id", "in", ids())
    .where("status", "=", filter.status);
  if (!audit) return affectedRows(await update.executeTakeFirst());
  if (ops.linksAuditOnWrite) return replayLinked(ctx, filter, now, deliverUntil, limit, audit);
  const { columns, selected } = entryColumns(audit);
  const entries = db
    .insertInto("audit")
    .columns(columns as never[])
    .expression((eb) =>
      eb
        .selectFrom("deliveries as c")
        .select(selected("c.id"))
        .where("c.id", "in", ids())
        .where("c.status", "=", filter.status),
    )
    .compile();
  const results = await ops.atomic(db, [entries, update.compile()]);
  return affectedRows(results[1]);
}

/** An entry per delivery: every column bound as a value, but its id and subject, from the row. */
function entryColumns(audit: AuditDraft) {
  const row = (idColumn: "replayed.id" | "c.id") => {
    const values: Record<string, unknown> = { ...auditToRow(audit) };
    values.id = sql`${perDeliveryIdPrefix(audit)} || ${sql.ref(idColumn)}`;
    values.delivery_id = sql.ref(idColumn);
    return values;
  };
  return {
    columns: Object.keys(row("c.id")),
    selected: (idColumn: "replayed.id" | "c.id") =>
      Object.entries(row(idColumn)).map(([k, v]) => sql`${v}`.as(k)),
  };
}

/**
 * PostgreSQL: one statement. The oldest matching rows are picked `FOR UPDATE SKIP LOCKED` in a
 * materialized CTE: two replays at once would otherwise pick the same rows, and the second, having
 * waited for the first's locks, would find them queued and queue nothing; and a locking subquery
 * inside `IN` may run again for each row and pick past the limit.
 */
async function replayLocked(
  { db, ops }: SqlContext,
  filter: BulkReplayFilter,
  now: number,
  deliverUntil: number,
  limit: number,
  audit?: AuditDraft,
): Promise<number> {
  const picked = db.with(
    (cte) => cte("picked").materialized(),
    (q) =>
      matching(q.selectFrom("deliveries").select("deliveries.id"), filter)
        .orderBy("deliveries.id")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
  );
  if (!audit) {
    const update = picked
      .updateTable("deliveries")
      .set(requeued(now, deliverUntil))
      .where("id", "in", (eb) => eb.selectFrom("picked").select("picked.id"))
      .where("status", "=", filter.status);
    return affectedRows(await update.executeTakeFirst());
  }
  const { columns, selected } = entryColumns(audit);
  const step = picked
    .with("replayed", (q) =>
      q
        .updateTable("deliveries")
        .set(requeued(now, deliverUntil))
        .where("id", "in", (eb) => eb.selectFrom("picked").select("picked.id"))
        .where("status", "=", filter.status)
        .returning("deliveries.id"),
    )
    .insertInto("audit")
    .columns(columns as never[])
    .expression((eb) => eb.selectFrom("replayed").select(selected("replayed.id")))
    .compile();
  return affectedRows(await ops.atomic(db, [step]).then((r) => r[0]));
}

/** Most ids one update of the linked path binds (SQLite), in the same step. */
const IDS_PER_UPDATE = 500;

/**
 * The linked path: read the matching ids, then one step queues those still matching, each with
 * its entry. A delivery another replay took between the read and the step is skipped (neither
 * entry nor change); the next matching ones are then read again, up to `limit` in all.
 */
async function replayLinked(
  ctx: SqlContext,
  filter: BulkReplayFilter,
  now: number,
  deliverUntil: number,
  limit: number,
  audit: AuditDraft,
): Promise<number> {
  let total = 0;
  for (let round = 0; total < limit && round < MAX_ROUNDS; round++) {
    const rows = await matching(ctx.db.selectFrom("deliveries").select("deliveries.id"), filter)
      .orderBy("deliveries.id")
      .limit(limit - total)
      .execute();
    if (rows.length === 0) break;
    const queued = await replayLinkedStep(ctx, filter, now, deliverUntil, audit, rows);
    total += queued;
    if (queued === rows.length) break; // all it read: the limit, or every match
  }
  return total;
}

/** Reads again after losing rows to another replay at most this often per call. */
const MAX_ROUNDS = 5;

async function replayLinkedStep(
  ctx: SqlContext,
  filter: BulkReplayFilter,
  now: number,
  deliverUntil: number,
  audit: AuditDraft,
  rows: readonly { id: string }[],
): Promise<number> {
  const { db, ops } = ctx;
  const queries: CompiledQuery[] = rows.flatMap(({ id }) =>
    auditInserts(
      ctx,
      [entryForDelivery(audit, id)],
      rowStill(ctx, "deliveries", sql`id = ${id} and status = ${filter.status}`),
    ),
  );
  const entries = queries.length;
  const per = Math.min(IDS_PER_UPDATE, ops.maxIdsPerStatement ?? IDS_PER_UPDATE);
  for (let i = 0; i < rows.length; i += per) {
    queries.push(
      db
        .updateTable("deliveries")
        .set(requeued(now, deliverUntil))
        .where(
          "id",
          "in",
          rows.slice(i, i + per).map((r) => r.id),
        )
        .where("status", "=", filter.status)
        .compile(),
    );
  }
  const results = await ops.atomic(db, queries);
  return results.slice(entries).reduce((n, r) => n + affectedRows(r), 0);
}

export async function countReplayable(
  { db }: SqlContext,
  filter: BulkReplayFilter,
  limit: number,
): Promise<number> {
  if (limit <= 0) return 0;
  const rows = await matching(db.selectFrom("deliveries").select("deliveries.id"), filter)
    .orderBy("deliveries.id")
    .limit(limit)
    .execute();
  return rows.length;
}
