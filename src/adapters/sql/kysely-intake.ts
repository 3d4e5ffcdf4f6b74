import { type CompiledQuery, type Kysely, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { AcceptCallbackInput, AcceptResult, ReceiveResult } from "../../ports/store.js";
import type { DeliveryRecord } from "../../ports/store-records.js";
import type { SqlContext } from "./dialect-ops.js";
import { holdsIfChanged, insertWhere } from "./insert-where.js";
import { auditInserts, type PreparedCondition } from "./kysely-audit.js";
import { getWait } from "./kysely-waits.js";
import { prepared, slot } from "./prepared.js";
import { deliveryFromRow, deliveryToRow } from "./rows.js";
import type { Database } from "./schema.js";
import { affectedRows, OPEN } from "./sql-helpers.js";

/** Intake: a callback or a webhook closes its wait and stores its delivery in one atomic step. */

export async function acceptCallback(
  ctx: SqlContext,
  { waitId, now, delivery, audit }: AcceptCallbackInput,
): Promise<AcceptResult> {
  // The delivery and its entry go in exactly when the close (statement 0) closed the wait.
  const [closed] = await ctx.ops.atomic(ctx.db, [
    closeWaitFor(ctx, waitId, delivery, now),
    holdsIfChanged(insertDeliveryIfItClosed(ctx, delivery, waitId), 0),
    ...auditInserts(ctx, audit, closedWith(waitId, delivery.id)).map((q) => holdsIfChanged(q, 0)),
  ]);
  if (affectedRows(closed) === 1) return { kind: "accepted", delivery };
  return refusedAccept(ctx, waitId, delivery);
}

/** Why a callback closed nothing (read after its step): gone, a duplicate of the first, or closed. */
export async function refusedAccept(
  ctx: SqlContext,
  waitId: string,
  delivery: DeliveryRecord,
): Promise<AcceptResult> {
  const wait = await getWait(ctx, waitId);
  if (!wait) return { kind: "not_found" };
  if (wait.status === "closed" && wait.closedWithHash === delivery.contentHash)
    return { kind: "duplicate", wait };
  if (wait.status === "open") return { kind: "closed", wait: { ...wait, status: "expired" } };
  return { kind: "closed", wait };
}

export async function receiveWebhook(
  ctx: SqlContext,
  {
    delivery,
    waitId,
    now,
    audit,
  }: { delivery: DeliveryRecord; waitId: string | null; now: number; audit?: readonly AuditDraft[] },
): Promise<ReceiveResult> {
  const { db, ops } = ctx;
  const queries =
    waitId === null
      ? [
          db
            .insertInto("deliveries")
            .values(deliveryToRow(delivery))
            .onConflict((oc) => oc.doNothing())
            .compile(),
        ]
      : [
          closeWaitFor(ctx, waitId, delivery, now),
          holdsIfChanged(insertDeliveryIfItClosed(ctx, delivery, waitId), 0),
        ];
  const stored = queries.length;
  // The delivery's id is fresh: if a row has it after the insert, this step inserted it.
  queries.push(
    ...auditInserts(ctx, audit, deliveryStored(delivery.id)).map((q) => holdsIfChanged(q, stored - 1)),
  );
  const results = await ops.atomic(db, queries);
  if (affectedRows(results[stored - 1]) === 1) return { kind: "stored", delivery };
  if (delivery.source !== null && delivery.dedupeKey !== null) {
    const row = await db
      .selectFrom("deliveries")
      .selectAll()
      .where("source", "=", delivery.source)
      .where("dedupe_key", "=", delivery.dedupeKey)
      .executeTakeFirst();
    if (row) return { kind: "duplicate", delivery: deliveryFromRow(row) };
  }
  return { kind: "wait_gone" };
}

/**
 * Closes an open, unexpired wait with this delivery (not if its dedupe key was seen before).
 * Both intake statements are compiled once (prepared.ts) and filled per call.
 */
function closeWaitFor(
  { db }: SqlContext,
  waitId: string,
  delivery: DeliveryRecord,
  now: number,
): CompiledQuery {
  const dedupe = hasDedupeKey(delivery);
  return prepared(
    db,
    dedupe ? "close wait unless seen" : "close wait",
    (db) => closeWait(db, dedupe).compile(),
    closeWaitValues(waitId, delivery, now),
  );
}

/** Whether the close must also check that the delivery's (source, dedupe key) is new. */
export const hasDedupeKey = (d: DeliveryRecord): boolean => d.source !== null && d.dedupeKey !== null;

/** The values of `closeWait`'s slots. */
export function closeWaitValues(waitId: string, delivery: DeliveryRecord, now: number) {
  return {
    now,
    waitId,
    deliveryId: delivery.id,
    hash: delivery.contentHash,
    source: delivery.source,
    dedupeKey: delivery.dedupeKey,
  };
}

/**
 * The close-wait UPDATE with its values as slots `now`, `waitId`, `deliveryId`, `hash` and, with
 * `dedupe`, `source` and `dedupeKey` (PostgreSQL also runs it inside its one-statement accept).
 */
export function closeWait(db: Kysely<Database>, dedupe: boolean) {
  const now = slot<number>("now");
  let q = db
    .updateTable("waits")
    .set({
      status: "closed",
      closed_at: now,
      delivery_id: slot<string>("deliveryId"),
      result_hash: slot<string>("hash"),
    })
    .where("id", "=", slot<string>("waitId"))
    .where("status", "=", OPEN)
    .where("expires_at", ">", now);
  if (dedupe) {
    q = q.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("deliveries")
            .select(sql`1`.as("one"))
            .where("source", "=", slot<string>("source"))
            .where("dedupe_key", "=", slot<string>("dedupeKey")),
        ),
      ),
    );
  }
  return q;
}

/** True once the wait was closed with this very delivery (by this step: the id is fresh). */
function closedWith(waitId: string, deliveryId: string): PreparedCondition {
  return {
    key: "the wait closed with the delivery",
    build: () =>
      sql<boolean>`exists (select 1 from waits where id = ${slot(":waitId")} and delivery_id = ${slot(":deliveryId")})`,
    values: { ":waitId": waitId, ":deliveryId": deliveryId },
  };
}

/** True once the delivery is stored (by this step: the id is fresh). */
function deliveryStored(deliveryId: string): PreparedCondition {
  return {
    key: "the delivery stored",
    build: () => sql<boolean>`exists (select 1 from deliveries where id = ${slot(":deliveryId")})`,
    values: { ":deliveryId": deliveryId },
  };
}

/** Inserts the delivery only if the statement before closed the wait with this very delivery. */
function insertDeliveryIfItClosed(
  { db }: SqlContext,
  delivery: DeliveryRecord,
  waitId: string,
): CompiledQuery {
  const row = deliveryToRow(delivery);
  return prepared(
    db,
    "insert delivery if it closed its wait",
    (db) =>
      insertWhere(
        db,
        "deliveries",
        Object.fromEntries(Object.keys(row).map((column) => [column, slot(column)])),
        sql<boolean>`exists (select 1 from waits where id = ${slot(":waitId")} and delivery_id = ${slot(":deliveryId")})`,
      ),
    row,
    { ":waitId": waitId, ":deliveryId": delivery.id },
  );
}
