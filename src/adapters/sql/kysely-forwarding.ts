import { type Kysely, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { Page } from "../../ports/page.js";
import type { AttemptOutcome, DeliveryFilter } from "../../ports/store.js";
import type { AttemptRecord, DeliveryRecord } from "../../ports/store-records.js";
import type { SqlContext } from "./dialect-ops.js";
import { holdsIfChanged, insertWhere } from "./insert-where.js";
import { auditInserts, type PreparedCondition, rowStill } from "./kysely-audit.js";
import { prepared, slot } from "./prepared.js";
import { attemptFromRow, attemptToRow, deliveryFromRow } from "./rows.js";
import type { Database } from "./schema.js";
import { affectedRows, claimWithLease, newestFirstPage, toPage } from "./sql-helpers.js";

/** Deliveries on their way to CDF: claimed under a lease, attempted, recorded, replayed, read. */

export async function claimDue(
  { db, ops }: SqlContext,
  now: number,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<DeliveryRecord[]> {
  const rows = await claimWithLease(db, ops, "deliveries", { now, owner, leaseMs, limit, countClaims: true });
  return rows.map(deliveryFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
}

/** Every forward ends here: both statements are compiled once per outcome kind (prepared.ts). */
export async function recordAttempt(
  ctx: SqlContext,
  id: string,
  owner: string,
  now: number,
  outcome: AttemptOutcome,
  audit?: readonly AuditDraft[],
): Promise<boolean> {
  const { db, ops } = ctx;
  const row = attemptToRow(outcome.attempt);
  // The lease check the attempt is inserted under, also the condition of its entries: both run
  // before the update below changes the lease, so an entry is written exactly when its attempt
  // is. (Looking for the attempt row instead would find the new holder's attempt of the same
  // number after a lost lease, and write the loser's entry for an attempt that was refused.)
  const leased: PreparedCondition = {
    key: "the lease is still ours",
    build: () =>
      sql<boolean>`exists (select 1 from deliveries where id = ${slot(":id")} and lease_owner = ${slot(":owner")} and status = 'pending')`,
    values: { ":id": id, ":owner": owner },
  };
  const insertAttempt = prepared(
    db,
    "insert attempt if leased",
    (db) =>
      insertWhere(
        db,
        "attempts",
        Object.fromEntries(Object.keys(row).map((column) => [column, slot(column)])),
        leased.build(),
      ),
    row,
    leased.values,
  );
  const update = prepared(
    db,
    `record ${outcome.kind}`,
    (db) => recordUpdate(db, outcome.kind).compile(),
    recordValues(id, owner, now, outcome),
  );
  // With the lease ours the attempt's insert cannot be refused (a fresh owner per claim: nobody
  // else records this attempt number meanwhile), so the entries hold exactly when it changed a row.
  const entries = auditInserts(ctx, audit, leased).map((q) => holdsIfChanged(q, 0));
  const results = await ops.atomic(db, [insertAttempt, ...entries, update]);
  return affectedRows(results[0]) === 1 && affectedRows(results[entries.length + 1]) === 1;
}

export async function replayDelivery(
  ctx: SqlContext,
  id: string,
  now: number,
  deliverUntil: number,
  audit?: readonly AuditDraft[],
): Promise<DeliveryRecord | false | undefined> {
  const replay = ctx.db
    .updateTable("deliveries")
    .set(requeued(now, deliverUntil))
    .where("id", "=", id)
    .where("status", "in", ["dead", "delivered"])
    .compile();
  const replayable = rowStill(ctx, "deliveries", sql`id = ${id} and status in ('dead', 'delivered')`);
  const entries = auditInserts(ctx, audit, replayable);
  const r = (await ctx.ops.atomic(ctx.db, [...entries, replay]))[entries.length];
  const delivery = await getDelivery(ctx, id);
  if (!delivery) return undefined;
  return affectedRows(r) === 1 ? delivery : false;
}

export async function getDelivery({ db }: SqlContext, id: string): Promise<DeliveryRecord | undefined> {
  const row = await db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  return row && deliveryFromRow(row);
}

export async function listDeliveries(
  { db }: SqlContext,
  filter: DeliveryFilter,
): Promise<Page<DeliveryRecord>> {
  let q = db.selectFrom("deliveries").selectAll();
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.waitId) q = q.where("wait_id", "=", filter.waitId);
  if (filter.source) q = q.where("source", "=", filter.source);
  if (filter.correlationKey) q = q.where("correlation_key", "=", filter.correlationKey);
  if (filter.since !== undefined) q = q.where("created_at", ">=", filter.since);
  if (filter.until !== undefined) q = q.where("created_at", "<", filter.until);
  const rows = await newestFirstPage(q, filter).execute();
  return toPage(rows.map(deliveryFromRow), filter.limit);
}

export async function listAttempts({ db }: SqlContext, deliveryId: string): Promise<AttemptRecord[]> {
  const rows = await db
    .selectFrom("attempts")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .orderBy("attempt")
    .execute();
  return rows.map(attemptFromRow);
}

/**
 * The UPDATE that records an attempt's outcome on its delivery, only while `owner` still holds
 * the lease (fencing); its values are slots (`recordValues`). PostgreSQL also runs it inside its
 * one-statement record step.
 */
export function recordUpdate(db: Kysely<Database>, kind: AttemptOutcome["kind"]) {
  const base = {
    attempts: slot<number>("attempts"),
    lease_owner: null,
    lease_until: null,
    updated_at: slot<number>("now"),
    last_status: slot<number | null>("status"),
    last_request_id: slot<string | null>("requestId"),
    last_error: slot<string | null>("error"),
  };
  const next = slot<number>("nextAttemptAt");
  const set =
    kind === "retry"
      ? { ...base, next_attempt_at: next, due_at: next }
      : kind === "dead"
        ? { ...base, status: "dead" }
        : { ...base, status: "delivered", delivered_at: slot<number>("now") };
  return db
    .updateTable("deliveries")
    .set(set)
    .where("id", "=", slot<string>("id"))
    .where("lease_owner", "=", slot<string>("owner"))
    .where("status", "=", "pending");
}

/** The values of `recordUpdate`'s slots. */
export function recordValues(id: string, owner: string, now: number, outcome: AttemptOutcome) {
  return {
    attempts: outcome.attempt.attempt,
    now,
    status: outcome.attempt.httpStatus,
    requestId: outcome.attempt.requestId,
    error: outcome.attempt.error,
    nextAttemptAt: outcome.kind === "retry" ? outcome.nextAttemptAt : null,
    id,
    owner,
  };
}

/** The columns of a delivery queued again (single and bulk replay): due now, no lease, a new window. */
export function requeued(now: number, deliverUntil: number) {
  return {
    status: "pending",
    next_attempt_at: now,
    due_at: now,
    deliver_until: deliverUntil,
    lease_owner: null,
    lease_until: null,
    updated_at: now,
    delivered_at: null,
  } as const;
}
