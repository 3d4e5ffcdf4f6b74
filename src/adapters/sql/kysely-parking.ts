import { sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { TaskUpdate } from "../../core/task-status.js";
import type { DeliveryRecord, WaitRecord } from "../../ports/store-records.js";
import type { SqlContext } from "./dialect-ops.js";
import { auditInserts, rowStill } from "./kysely-audit.js";
import { deliveryFromRow } from "./rows.js";
import { affectedRows, OPEN } from "./sql-helpers.js";

/** Parking: webhooks that arrived before their wait, released to it or expired. */

export async function findParked(
  { db }: SqlContext,
  source: string,
  correlationKey: string,
  now: number,
): Promise<DeliveryRecord | undefined> {
  const row = await db
    .selectFrom("deliveries")
    .selectAll()
    .where("source", "=", source)
    .where("correlation_key", "=", correlationKey)
    .where("status", "=", "parked")
    .where("park_until", ">", now)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row && deliveryFromRow(row);
}

export async function releaseParked(
  ctx: SqlContext,
  input: {
    deliveryId: string;
    wait: WaitRecord;
    update: TaskUpdate;
    contentHash: string;
    deliverUntil: number;
    now: number;
    audit?: readonly AuditDraft[];
  },
): Promise<boolean> {
  const { db, ops } = ctx;
  const { deliveryId, wait, now } = input;
  const stillParked = db
    .selectFrom("deliveries")
    .select(sql`1`.as("one"))
    .where("id", "=", deliveryId)
    .where("status", "=", "parked")
    .where("park_until", ">", now);
  const close = db
    .updateTable("waits")
    .set({ status: "closed", closed_at: now, delivery_id: deliveryId, result_hash: input.contentHash })
    .where("id", "=", wait.id)
    .where("status", "=", OPEN)
    .where("expires_at", ">", now)
    .where(({ exists }) => exists(stillParked))
    .compile();
  const release = db
    .updateTable("deliveries")
    .set({
      status: "pending",
      wait_id: wait.id,
      task_id: wait.taskId,
      execution_id: wait.executionId,
      update_json: JSON.stringify(input.update),
      result_hash: input.contentHash,
      next_attempt_at: now,
      due_at: now,
      deliver_until: input.deliverUntil,
      updated_at: now,
    })
    .where("id", "=", deliveryId)
    .where("status", "=", "parked")
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("waits")
          .select(sql`1`.as("one"))
          .where("id", "=", wait.id)
          .where("delivery_id", "=", deliveryId),
      ),
    )
    .compile();
  // Checked before the change, with the change's own conditions (a repeat finds the wait closed).
  const releasable = sql<boolean>`${rowStill(ctx, "waits", sql`id = ${wait.id} and status = 'open' and expires_at > ${now}`)} and ${rowStill(ctx, "deliveries", sql`id = ${deliveryId} and status = 'parked' and park_until > ${now}`)}`;
  const entries = auditInserts(ctx, input.audit, releasable);
  const results = await ops.atomic(db, [...entries, close, release]);
  const [closed, released] = results.slice(entries.length);
  return affectedRows(closed) === 1 && affectedRows(released) === 1;
}

/**
 * The sweep: parked deliveries past `parkUntil` (no wait claimed them) become expired. With
 * `entry`, in batches of ids, each delivery's entry written with its change, only while it is
 * still parked and past its time (a wait that claimed it meanwhile leaves neither).
 */
export async function expireParked(
  ctx: SqlContext,
  now: number,
  entry?: (delivery: DeliveryRecord) => AuditDraft,
): Promise<number> {
  const { db, ops } = ctx;
  const expire = (ids?: readonly string[]) => {
    let q = db
      .updateTable("deliveries")
      .set({ status: "expired", updated_at: now })
      .where("status", "=", "parked")
      .where("park_until", "<=", now);
    if (ids) q = q.where("id", "in", ids);
    return q.compile();
  };
  if (!entry) return affectedRows(await db.executeQuery(expire()));
  const n = Math.min(EXPIRE_BATCH, ops.maxIdsPerStatement ?? EXPIRE_BATCH);
  let total = 0;
  for (;;) {
    const rows = await db
      .selectFrom("deliveries")
      .selectAll()
      .where("status", "=", "parked")
      .where("park_until", "<=", now)
      .orderBy("id")
      .limit(n)
      .execute();
    if (rows.length === 0) return total;
    const due = rows.map(deliveryFromRow);
    const queries = due.flatMap((d) =>
      auditInserts(
        ctx,
        [entry(d)],
        rowStill(ctx, "deliveries", sql`id = ${d.id} and status = 'parked' and park_until <= ${now}`),
      ),
    );
    queries.push(expire(due.map((d) => d.id)));
    total += affectedRows((await ops.atomic(db, queries)).at(-1));
    if (rows.length < n) return total;
  }
}

/** Most parked deliveries one sweep step expires (each with its audit entry). */
const EXPIRE_BATCH = 200;
