import { sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { MailRecord, MailStatus } from "../../ports/approval-store.js";
import type { Page } from "../../ports/page.js";
import type { DeliveryRecord, DeliveryStatus } from "../../ports/store-records.js";
import { mailFromRow } from "./approval-rows.js";
import type { SqlContext } from "./dialect-ops.js";
import { auditInserts, rowStill } from "./kysely-audit.js";
import { deliveryFromRow } from "./rows.js";
import { affectedRows, newestFirstPage, toPage } from "./sql-helpers.js";

/** What the operator console asks of the SQL store beyond the engine's own queries. */

/** One GROUP BY over the status index; every state present, zero when none. */
export async function countDeliveries({ db }: SqlContext): Promise<Record<DeliveryStatus, number>> {
  const rows = await db
    .selectFrom("deliveries")
    .select((eb) => ["status", eb.fn.countAll<number | string | bigint>().as("n")])
    .groupBy("status")
    .execute();
  const counts: Record<DeliveryStatus, number> = {
    pending: 0,
    delivered: 0,
    dead: 0,
    parked: 0,
    ignored: 0,
    expired: 0,
  };
  for (const r of rows) if (r.status in counts) counts[r.status as DeliveryStatus] = Number(r.n);
  return counts;
}

/** Pending deliveries, at most `limit` of them: a walk of the (status, due_at) index, never a scan. */
export async function countPending({ db }: SqlContext, limit: number): Promise<number> {
  if (limit <= 0) return 0;
  const row = await db
    .selectFrom(db.selectFrom("deliveries").select("id").where("status", "=", "pending").limit(limit).as("p"))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Parked → ignored with the operator's reason, only while it is still parked. */
export async function discardParked(
  ctx: SqlContext,
  id: string,
  now: number,
  reason: string,
  audit?: readonly AuditDraft[],
): Promise<DeliveryRecord | false | undefined> {
  const { db } = ctx;
  const discard = db
    .updateTable("deliveries")
    .set({ status: "ignored", reason, park_until: null, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "parked")
    .compile();
  const parked = rowStill(ctx, "deliveries", sql`id = ${id} and status = 'parked'`);
  const entries = auditInserts(ctx, audit, parked);
  const r = (await ctx.ops.atomic(db, [...entries, discard]))[entries.length];
  const row = await db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return affectedRows(r) === 1 ? deliveryFromRow(row) : false;
}

export async function listOutbox(
  { db }: SqlContext,
  f: { status?: MailStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<MailRecord>> {
  let q = db.selectFrom("mails").selectAll();
  if (f.status) q = q.where("status", "=", f.status);
  const rows = await newestFirstPage(q, {
    ...(f.cursor ? { cursor: f.cursor } : {}),
    limit: f.limit,
  }).execute();
  return toPage(rows.map(mailFromRow), f.limit);
}

export async function getMail({ db }: SqlContext, id: string): Promise<MailRecord | undefined> {
  const row = await db.selectFrom("mails").selectAll().where("id", "=", id).executeTakeFirst();
  return row && mailFromRow(row);
}

/** A mail that is not pending is due again at `now`; its lease and last error are cleared. */
export async function resendMail(
  ctx: SqlContext,
  id: string,
  now: number,
  sendUntil: number,
  audit?: readonly AuditDraft[],
): Promise<MailRecord | false | undefined> {
  const resend = ctx.db
    .updateTable("mails")
    .set({
      status: "pending",
      next_attempt_at: now,
      due_at: now,
      send_until: sendUntil,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("status", "!=", "pending")
    .compile();
  // The entry first, while the mail is still not pending: it lands exactly when the resend does.
  const entries = auditInserts(ctx, audit, rowStill(ctx, "mails", sql`id = ${id} and status <> 'pending'`));
  const r = (await ctx.ops.atomic(ctx.db, [...entries, resend]))[entries.length];
  const mail = await getMail(ctx, id);
  if (!mail) return undefined;
  return affectedRows(r) === 1 ? mail : false;
}
