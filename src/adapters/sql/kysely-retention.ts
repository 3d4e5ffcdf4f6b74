import type { ExpressionBuilder, SelectQueryBuilder } from "kysely";
import type { PurgeKind } from "../../ports/retention.js";
import type { SqlContext } from "./dialect-ops.js";
import type { Database } from "./schema.js";
import { affectedRows } from "./sql-helpers.js";

/** Most rows one purge statement deletes where the dialect sets no lower bound. */
const MAX_BATCH = 500;

const CLOSED_WAITS = ["closed", "cancelled", "expired"];
const DECIDED_APPROVALS = ["approved", "rejected", "expired", "cancelled"];

/**
 * Retention over SQL. Each batch reads the ids of the oldest eligible rows, then deletes them in
 * one short atomic step that re-checks eligibility on every row (a row replayed or reopened
 * meanwhile stays) and then removes the children whose parent is gone, by the same id list. No
 * statement scans a table or holds a lock for longer than one batch of ids.
 */
export async function purgeBatch(
  ctx: SqlContext,
  kind: PurgeKind,
  before: number,
  limit: number,
): Promise<number> {
  const n = Math.max(0, Math.min(limit, ctx.ops.maxIdsPerStatement ?? MAX_BATCH));
  if (n === 0) return 0;
  if (kind === "waits") return purgeWaits(ctx, before, n);
  if (kind === "approvals") return purgeApprovals(ctx, before, n);
  return purgeDeliveries(ctx, kind, before, n);
}

export async function countPurgeable({ db }: SqlContext, kind: PurgeKind, before: number): Promise<number> {
  const q =
    kind === "waits"
      ? waitsEligible(db.selectFrom("waits"), before)
      : kind === "approvals"
        ? approvalsEligible(db.selectFrom("approvals"), before)
        : deliveriesEligible(db.selectFrom("deliveries"), kind, before);
  const row = await (q as SelectQueryBuilder<Database, "deliveries", object>)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

type DeliveryKind = Exclude<PurgeKind, "waits" | "approvals">;

function deliveriesEligible<O>(
  q: SelectQueryBuilder<Database, "deliveries", O>,
  kind: DeliveryKind,
  before: number,
) {
  return q.where("deliveries.status", "=", kind).where("deliveries.updated_at", "<", before);
}

function waitsEligible<O>(q: SelectQueryBuilder<Database, "waits", O>, before: number) {
  return q
    .where("waits.status", "in", CLOSED_WAITS)
    .where((eb) => eb(eb.fn.coalesce("waits.closed_at", "waits.expires_at"), "<", before))
    .where((eb) => eb.not(eb.exists(deliveryOfWait(eb))));
}

function approvalsEligible<O>(q: SelectQueryBuilder<Database, "approvals", O>, before: number) {
  return q
    .where("approvals.status", "in", DECIDED_APPROVALS)
    .where((eb) => eb(eb.fn.coalesce("approvals.closed_at", "approvals.expires_at"), "<", before))
    .where((eb) => eb.not(eb.exists(deliveryOfApproval(eb))))
    .where((eb) => eb.not(eb.exists(pendingMailOf(eb))));
}

const deliveryOfWait = (eb: ExpressionBuilder<Database, "waits">) =>
  eb.selectFrom("deliveries").select("deliveries.id").whereRef("deliveries.wait_id", "=", "waits.id");
const deliveryOfApproval = (eb: ExpressionBuilder<Database, "approvals">) =>
  eb.selectFrom("deliveries").select("deliveries.id").whereRef("deliveries.id", "=", "approvals.delivery_id");
const pendingMailOf = (eb: ExpressionBuilder<Database, "approvals">) =>
  eb
    .selectFrom("mails")
    .select("mails.id")
    .whereRef("mails.approval_id", "=", "approvals.id")
    .where("mails.status", "=", "pending");

async function purgeDeliveries({ db, ops }: SqlContext, kind: DeliveryKind, before: number, n: number) {
  const ids = (
    await deliveriesEligible(db.selectFrom("deliveries").select("id"), kind, before)
      .orderBy("id")
      .limit(n)
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return 0;
  const [deleted] = await ops.atomic(db, [
    db
      .deleteFrom("deliveries")
      .where("id", "in", ids)
      .where("status", "=", kind)
      .where("updated_at", "<", before)
      .compile(),
    db
      .deleteFrom("attempts")
      .where("delivery_id", "in", ids)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom("deliveries").select("id").whereRef("deliveries.id", "=", "attempts.delivery_id"),
          ),
        ),
      )
      .compile(),
  ]);
  return affectedRows(deleted);
}

async function purgeWaits({ db, ops }: SqlContext, before: number, n: number) {
  const ids = (
    await waitsEligible(db.selectFrom("waits").select("id"), before).orderBy("id").limit(n).execute()
  ).map((r) => r.id);
  if (ids.length === 0) return 0;
  const [deleted] = await ops.atomic(db, [
    db
      .deleteFrom("waits")
      .where("id", "in", ids)
      .where("status", "in", CLOSED_WAITS)
      .where((eb) => eb.not(eb.exists(deliveryOfWait(eb))))
      .compile(),
  ]);
  return affectedRows(deleted);
}

async function purgeApprovals({ db, ops }: SqlContext, before: number, n: number) {
  const ids = (
    await approvalsEligible(db.selectFrom("approvals").select("id"), before).orderBy("id").limit(n).execute()
  ).map((r) => r.id);
  if (ids.length === 0) return 0;
  const orphan = (table: "decisions" | "mails") =>
    db
      .deleteFrom(table)
      .where("approval_id", "in", ids)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom("approvals").select("id").whereRef("approvals.id", "=", `${table}.approval_id`),
          ),
        ),
      )
      .compile();
  const [deleted] = await ops.atomic(db, [
    db
      .deleteFrom("approvals")
      .where("id", "in", ids)
      .where("status", "in", DECIDED_APPROVALS)
      .where((eb) => eb.not(eb.exists(deliveryOfApproval(eb))))
      .where((eb) => eb.not(eb.exists(pendingMailOf(eb))))
      .compile(),
    orphan("decisions"),
    orphan("mails"),
  ]);
  return affectedRows(deleted);
}
