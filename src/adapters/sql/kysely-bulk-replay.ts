import { type SelectQueryBuilder, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { BulkReplayFilter } from "../../ports/retention.js";
import type { SqlContext } from "./dialect-ops.js";
import { insertWhere } from "./insert-where.js";
import { auditToRow } from "./kysely-audit.js";
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
 * A bulk replay as one UPDATE: the inner select picks the oldest `limit` matching ids, the outer
 * update re-checks the state on each row, as a single replay does, so nothing is sent twice.
 * `audit`, the action's one entry, goes first in the same step, with the number of rows the update
 * is about to queue as its `count` (counted in SQL: on PostgreSQL those rows are locked by the
 * count, so the update queues exactly them), and only when that number is not 0.
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
  const ids = () =>
    matching(db.selectFrom("deliveries").select("deliveries.id"), filter)
      .orderBy("deliveries.id")
      .limit(limit);
  const update = db
    .updateTable("deliveries")
    .set(requeued(now, deliverUntil))
    .where("id", "in", ids())
    .where("status", "=", filter.status)
    .compile();
  if (!audit) return affectedRows(await db.executeQuery(update));
  const lock = ops.skipLocked ? sql` for update` : sql``;
  const count = sql<number>`(select count(*) from (select c.id from deliveries c where c.id in ${ids()} and c.status = ${filter.status}${lock}) n)`;
  const json = JSON.stringify(audit.data);
  const prefix = json === "{}" ? '{"count":' : `${json.slice(0, -1)},"count":`;
  const row = {
    ...auditToRow(audit),
    data_json: sql`cast(${prefix} as text) || cast(${count} as text) || '}'`,
  };
  const results = await ops.atomic(db, [insertWhere(db, "audit", row, sql<boolean>`${count} > 0`), update]);
  return affectedRows(results[1]!);
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
