import { type CompiledQuery, type Selectable, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { Page } from "../../ports/page.js";
import type { WaitFilter } from "../../ports/store.js";
import type { WaitRecord } from "../../ports/store-records.js";
import { readRows, type SqlContext } from "./dialect-ops.js";
import { auditInserts, rowStill } from "./kysely-audit.js";
import { prepared, slot } from "./prepared.js";
import { waitFromRow, waitToRow } from "./rows.js";
import type { WaitsTable } from "./schema.js";
import { affectedRows, newestFirstPage, OPEN, toPage } from "./sql-helpers.js";

/** Waits: registered, read, listed, cancelled and swept. */

export async function createWait(
  ctx: SqlContext,
  wait: WaitRecord,
  audit?: readonly AuditDraft[],
): Promise<boolean> {
  const { db, ops } = ctx;
  const queries: CompiledQuery[] = [];
  if (wait.source !== null && wait.correlationKey !== null) {
    // An expired wait that no sweep has closed yet must not block a new registration.
    queries.push(
      db
        .updateTable("waits")
        .set({ status: "expired", closed_at: wait.createdAt })
        .where("source", "=", wait.source)
        .where("correlation_key", "=", wait.correlationKey)
        .where("status", "=", OPEN)
        .where("expires_at", "<=", wait.createdAt)
        .compile(),
    );
  }
  queries.push(
    db
      .insertInto("waits")
      .values(waitToRow(wait))
      .onConflict((oc) => oc.doNothing())
      .compile(),
  );
  const inserted = queries.length - 1;
  queries.push(
    ...auditInserts(ctx, audit, {
      key: "the wait was created",
      build: () => sql<boolean>`exists (select 1 from waits where id = ${slot(":waitId")})`,
      values: { ":waitId": wait.id },
    }),
  );
  const results = await ops.atomic(db, queries);
  return affectedRows(results[inserted]) === 1;
}

/** Every accept reads its wait first: compiled once (prepared.ts). */
export async function getWait(ctx: SqlContext, id: string): Promise<WaitRecord | undefined> {
  const q = prepared(
    ctx.db,
    "wait by id",
    (db) => db.selectFrom("waits").selectAll().where("id", "=", slot<string>("id")).compile(),
    { id },
  );
  const [row] = await readRows<Selectable<WaitsTable>>(ctx, q);
  return row && waitFromRow(row);
}

export async function listWaits({ db }: SqlContext, filter: WaitFilter): Promise<Page<WaitRecord>> {
  let q = db.selectFrom("waits").selectAll();
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.source) q = q.where("source", "=", filter.source);
  if (filter.taskId) q = q.where("task_id", "=", filter.taskId);
  if (filter.correlationKey) q = q.where("correlation_key", "=", filter.correlationKey);
  const rows = await newestFirstPage(q, filter).execute();
  return toPage(rows.map(waitFromRow), filter.limit);
}

export async function cancelWait(
  ctx: SqlContext,
  id: string,
  now: number,
  audit?: readonly AuditDraft[],
): Promise<WaitRecord | undefined> {
  const cancel = ctx.db
    .updateTable("waits")
    .set({ status: "cancelled", closed_at: now })
    .where("id", "=", id)
    .where("status", "=", OPEN)
    .compile();
  const open = rowStill(ctx, "waits", sql`id = ${id} and status = 'open'`);
  await ctx.ops.atomic(ctx.db, [...auditInserts(ctx, audit, open), cancel]);
  return getWait(ctx, id);
}

/**
 * The sweep: open waits past their expiry become expired. With `entry`, in batches of ids, each
 * wait's entry written with its change (only while it is still open and expired, so a callback
 * that closed it meanwhile leaves neither).
 */
export async function expireWaits(
  ctx: SqlContext,
  now: number,
  entry?: (wait: WaitRecord) => AuditDraft,
  scope?: { source: string; correlationKey: string },
): Promise<number> {
  const { db, ops } = ctx;
  if (!entry) {
    let q = db
      .updateTable("waits")
      .set({ status: "expired", closed_at: now })
      .where("status", "=", OPEN)
      .where("expires_at", "<=", now);
    if (scope) q = q.where("source", "=", scope.source).where("correlation_key", "=", scope.correlationKey);
    return affectedRows(await q.executeTakeFirst());
  }
  const n = Math.min(EXPIRE_BATCH, ops.maxIdsPerStatement ?? EXPIRE_BATCH);
  let total = 0;
  for (;;) {
    let q = db.selectFrom("waits").selectAll().where("status", "=", OPEN).where("expires_at", "<=", now);
    if (scope) q = q.where("source", "=", scope.source).where("correlation_key", "=", scope.correlationKey);
    // By expiry: the partial index of open waits hands them over in that order (by id, SQLite
    // walked every open wait, expired or not, to find the first few).
    const waits = (await q.orderBy("expires_at").orderBy("id").limit(n).execute()).map(waitFromRow);
    if (waits.length === 0) return total;
    const queries = waits.flatMap((w) =>
      auditInserts(
        ctx,
        [entry(w)],
        rowStill(ctx, "waits", sql`id = ${w.id} and status = 'open' and expires_at <= ${now}`),
      ),
    );
    queries.push(
      db
        .updateTable("waits")
        .set({ status: "expired", closed_at: now })
        .where(
          "id",
          "in",
          waits.map((w) => w.id),
        )
        .where("status", "=", OPEN)
        .where("expires_at", "<=", now)
        .compile(),
    );
    total += affectedRows((await ops.atomic(db, queries)).at(-1));
    if (waits.length < n) return total;
  }
}

/** Most waits one sweep step expires (each with its audit entry). */
const EXPIRE_BATCH = 200;

export async function findOpenWait(
  ctx: SqlContext,
  source: string,
  correlationKey: string,
  now: number,
): Promise<WaitRecord | undefined> {
  // Every matched webhook reads it: compiled once (prepared.ts).
  const q = prepared(
    ctx.db,
    "open wait by source and key",
    (db) =>
      db
        .selectFrom("waits")
        .selectAll()
        .where("source", "=", slot<string>("source"))
        .where("correlation_key", "=", slot<string>("key"))
        .where("status", "=", OPEN)
        .where("expires_at", ">", slot<number>("now"))
        .compile(),
    { source, key: correlationKey, now },
  );
  const [row] = await readRows<Selectable<WaitsTable>>(ctx, q);
  return row && waitFromRow(row);
}
