import type { SelectQueryBuilder } from "kysely";
import type { BulkReplayFilter } from "../../ports/retention.js";
import type { SqlContext } from "./dialect-ops.js";
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
 */
export async function replayDeliveries(
  { db }: SqlContext,
  filter: BulkReplayFilter,
  now: number,
  deliverUntil: number,
  limit: number,
): Promise<number> {
  if (limit <= 0) return 0;
  const ids = matching(db.selectFrom("deliveries").select("deliveries.id"), filter)
    .orderBy("deliveries.id")
    .limit(limit);
  const r = await db
    .updateTable("deliveries")
    .set(requeued(now, deliverUntil))
    .where("id", "in", ids)
    .where("status", "=", filter.status)
    .executeTakeFirst();
  return affectedRows(r);
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
