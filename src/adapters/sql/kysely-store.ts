import { type CompiledQuery, type Kysely, type QueryResult, sql } from "kysely";
import type { TaskUpdate } from "../../core/task-status.js";
import type { ApprovalStore } from "../../ports/approval-store.js";
import type {
  AcceptCallbackInput,
  AcceptResult,
  AttemptOutcome,
  AttemptRecord,
  DeliveryFilter,
  DeliveryRecord,
  Page,
  ReceiveResult,
  Store,
  WaitFilter,
  WaitRecord,
} from "../../ports/store.js";
import { insertWhere } from "./insert-where.js";
import { KyselyApprovalStore } from "./kysely-approval-store.js";
import {
  attemptFromRow,
  attemptToRow,
  deliveryFromRow,
  deliveryToRow,
  waitFromRow,
  waitToRow,
} from "./rows.js";
import type { Database } from "./schema.js";

/**
 * The dialect quirks, in one named place. `atomic` runs a fixed list of statements as one unit:
 * a transaction on SQLite and PostgreSQL, a batch on D1 (which has no interactive transactions).
 * Store methods therefore never read in the middle of a write: every condition lives in SQL.
 */
export interface SqlDialectOps {
  atomic(db: Kysely<Database>, queries: CompiledQuery[]): Promise<QueryResult<unknown>[]>;
  /** PostgreSQL: claim with FOR UPDATE SKIP LOCKED so replicas do not queue on each other's rows. */
  skipLocked: boolean;
  close?(): Promise<void>;
}

/** Runs the statements in one Kysely transaction (SQLite, PostgreSQL). */
export async function atomicByTransaction(
  db: Kysely<Database>,
  queries: CompiledQuery[],
): Promise<QueryResult<unknown>[]> {
  return db.transaction().execute(async (trx) => {
    const results: QueryResult<unknown>[] = [];
    for (const q of queries) results.push(await trx.executeQuery(q));
    return results;
  });
}

const affected = (r: QueryResult<unknown> | undefined): number => Number(r?.numAffectedRows ?? 0);

/** The one Store over Kysely, shared by every SQL dialect. */
export class KyselyStore implements Store {
  readonly approvals: ApprovalStore;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ops: SqlDialectOps,
  ) {
    this.approvals = new KyselyApprovalStore(db, ops);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.ops.close?.();
  }

  async createWait(wait: WaitRecord): Promise<boolean> {
    const queries: CompiledQuery[] = [];
    if (wait.source !== null && wait.correlationKey !== null) {
      // An expired wait that no sweep has closed yet must not block a new registration.
      queries.push(
        this.db
          .updateTable("waits")
          .set({ status: "expired", closed_at: wait.createdAt })
          .where("source", "=", wait.source)
          .where("correlation_key", "=", wait.correlationKey)
          .where("status", "=", "open")
          .where("expires_at", "<=", wait.createdAt)
          .compile(),
      );
    }
    queries.push(
      this.db
        .insertInto("waits")
        .values(waitToRow(wait))
        .onConflict((oc) => oc.doNothing())
        .compile(),
    );
    const results = await this.ops.atomic(this.db, queries);
    return affected(results.at(-1)) === 1;
  }

  async getWait(id: string): Promise<WaitRecord | undefined> {
    const row = await this.db.selectFrom("waits").selectAll().where("id", "=", id).executeTakeFirst();
    return row && waitFromRow(row);
  }

  async listWaits(filter: WaitFilter): Promise<Page<WaitRecord>> {
    let q = this.db.selectFrom("waits").selectAll();
    if (filter.status) q = q.where("status", "=", filter.status);
    if (filter.source) q = q.where("source", "=", filter.source);
    if (filter.taskId) q = q.where("task_id", "=", filter.taskId);
    if (filter.cursor) q = q.where("id", "<", filter.cursor);
    const rows = await q
      .orderBy("id", "desc")
      .limit(filter.limit + 1)
      .execute();
    return page(rows.map(waitFromRow), filter.limit);
  }

  async cancelWait(id: string, now: number): Promise<WaitRecord | undefined> {
    await this.db
      .updateTable("waits")
      .set({ status: "cancelled", closed_at: now })
      .where("id", "=", id)
      .where("status", "=", "open")
      .execute();
    return this.getWait(id);
  }

  async expireWaits(now: number): Promise<number> {
    const r = await this.db
      .updateTable("waits")
      .set({ status: "expired", closed_at: now })
      .where("status", "=", "open")
      .where("expires_at", "<=", now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async acceptCallback({ waitId, now, delivery }: AcceptCallbackInput): Promise<AcceptResult> {
    const [closed] = await this.ops.atomic(this.db, [
      this.closeWaitFor(waitId, delivery, now),
      this.insertDeliveryIfItClosed(delivery, waitId),
    ]);
    if (affected(closed) === 1) return { kind: "accepted", delivery };

    const wait = await this.getWait(waitId);
    if (!wait) return { kind: "not_found" };
    if (wait.status === "closed" && wait.resultHash === delivery.resultHash)
      return { kind: "duplicate", wait };
    if (wait.status === "open") return { kind: "closed", wait: { ...wait, status: "expired" } };
    return { kind: "closed", wait };
  }

  /** Closes an open, unexpired wait with this delivery (not if its dedupe key was seen before). */
  private closeWaitFor(waitId: string, delivery: DeliveryRecord, now: number): CompiledQuery {
    let q = this.db
      .updateTable("waits")
      .set({ status: "closed", closed_at: now, delivery_id: delivery.id, result_hash: delivery.resultHash })
      .where("id", "=", waitId)
      .where("status", "=", "open")
      .where("expires_at", ">", now);
    if (delivery.source !== null && delivery.dedupeKey !== null) {
      const { source, dedupeKey } = delivery;
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("deliveries")
              .select(sql`1`.as("one"))
              .where("source", "=", source)
              .where("dedupe_key", "=", dedupeKey),
          ),
        ),
      );
    }
    return q.compile();
  }

  /** Inserts the delivery only if the statement before closed the wait with this very delivery. */
  private insertDeliveryIfItClosed(delivery: DeliveryRecord, waitId: string): CompiledQuery {
    return insertWhere(
      this.db,
      "deliveries",
      deliveryToRow(delivery),
      sql<boolean>`exists (select 1 from waits where id = ${waitId} and delivery_id = ${delivery.id})`,
    );
  }

  async receiveWebhook({
    delivery,
    waitId,
    now,
  }: {
    delivery: DeliveryRecord;
    waitId: string | null;
    now: number;
  }): Promise<ReceiveResult> {
    const queries =
      waitId === null
        ? [
            this.db
              .insertInto("deliveries")
              .values(deliveryToRow(delivery))
              .onConflict((oc) => oc.doNothing())
              .compile(),
          ]
        : [this.closeWaitFor(waitId, delivery, now), this.insertDeliveryIfItClosed(delivery, waitId)];
    const results = await this.ops.atomic(this.db, queries);
    if (affected(results.at(-1)) === 1) return { kind: "stored", delivery };
    if (delivery.source !== null && delivery.dedupeKey !== null) {
      const row = await this.db
        .selectFrom("deliveries")
        .selectAll()
        .where("source", "=", delivery.source)
        .where("dedupe_key", "=", delivery.dedupeKey)
        .executeTakeFirst();
      if (row) return { kind: "duplicate", delivery: deliveryFromRow(row) };
    }
    return { kind: "wait_gone" };
  }

  async findOpenWait(source: string, correlationKey: string, now: number): Promise<WaitRecord | undefined> {
    const row = await this.db
      .selectFrom("waits")
      .selectAll()
      .where("source", "=", source)
      .where("correlation_key", "=", correlationKey)
      .where("status", "=", "open")
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return row && waitFromRow(row);
  }

  async findParked(source: string, correlationKey: string, now: number): Promise<DeliveryRecord | undefined> {
    const row = await this.db
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

  async releaseParked(input: {
    deliveryId: string;
    wait: WaitRecord;
    update: TaskUpdate;
    resultHash: string;
    deliverUntil: number;
    now: number;
  }): Promise<boolean> {
    const { deliveryId, wait, now } = input;
    const stillParked = this.db
      .selectFrom("deliveries")
      .select(sql`1`.as("one"))
      .where("id", "=", deliveryId)
      .where("status", "=", "parked")
      .where("park_until", ">", now);
    const close = this.db
      .updateTable("waits")
      .set({ status: "closed", closed_at: now, delivery_id: deliveryId, result_hash: input.resultHash })
      .where("id", "=", wait.id)
      .where("status", "=", "open")
      .where("expires_at", ">", now)
      .where(({ exists }) => exists(stillParked))
      .compile();
    const release = this.db
      .updateTable("deliveries")
      .set({
        status: "pending",
        wait_id: wait.id,
        task_id: wait.taskId,
        execution_id: wait.executionId,
        update_json: JSON.stringify(input.update),
        result_hash: input.resultHash,
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
    const [closed, released] = await this.ops.atomic(this.db, [close, release]);
    return affected(closed) === 1 && affected(released) === 1;
  }

  async expireParked(now: number): Promise<number> {
    const r = await this.db
      .updateTable("deliveries")
      .set({ status: "expired", updated_at: now })
      .where("status", "=", "parked")
      .where("park_until", "<=", now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async claimDue(now: number, owner: string, leaseMs: number, limit: number): Promise<DeliveryRecord[]> {
    if (limit <= 0) return [];
    // due_at folds "next attempt reached" and "no live lease" into one indexed column, so a
    // claim costs the rows it takes, not the backlog of leased work in front of it.
    let due = this.db
      .selectFrom("deliveries")
      .select("id")
      .where("status", "=", "pending")
      .where("due_at", "<=", now)
      .orderBy("due_at")
      .limit(limit);
    if (this.ops.skipLocked) due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable("deliveries")
      .set((eb) => ({
        lease_owner: owner,
        lease_until: now + leaseMs,
        due_at: now + leaseMs,
        updated_at: now,
        claims: eb("claims", "+", 1),
      }))
      .where("id", "in", due)
      // Re-checked on the row itself, so two claimers can never both win it.
      .where("status", "=", "pending")
      .where("due_at", "<=", now)
      .returningAll()
      .execute();
    return rows.map(deliveryFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("deliveries")
      .select((eb) => eb.fn.min("due_at").as("next"))
      .where("status", "=", "pending")
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
  }

  async recordAttempt(id: string, owner: string, now: number, outcome: AttemptOutcome): Promise<boolean> {
    const insertAttempt = insertWhere(
      this.db,
      "attempts",
      attemptToRow(outcome.attempt),
      sql<boolean>`exists (select 1 from deliveries where id = ${id} and lease_owner = ${owner} and status = 'pending')`,
    );
    const base = {
      attempts: outcome.attempt.attempt,
      lease_owner: null,
      lease_until: null,
      updated_at: now,
      last_status: outcome.attempt.httpStatus,
      last_request_id: outcome.attempt.requestId,
      last_error: outcome.attempt.error,
    };
    const set =
      outcome.kind === "retry"
        ? { ...base, next_attempt_at: outcome.nextAttemptAt, due_at: outcome.nextAttemptAt }
        : outcome.kind === "dead"
          ? { ...base, status: "dead" }
          : { ...base, status: "delivered", delivered_at: now };
    const update = this.db
      .updateTable("deliveries")
      .set(set)
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .compile();
    const [inserted, updated] = await this.ops.atomic(this.db, [insertAttempt, update]);
    return affected(inserted) === 1 && affected(updated) === 1;
  }

  async getDelivery(id: string): Promise<DeliveryRecord | undefined> {
    const row = await this.db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Page<DeliveryRecord>> {
    let q = this.db.selectFrom("deliveries").selectAll();
    if (filter.status) q = q.where("status", "=", filter.status);
    if (filter.waitId) q = q.where("wait_id", "=", filter.waitId);
    if (filter.source) q = q.where("source", "=", filter.source);
    if (filter.cursor) q = q.where("id", "<", filter.cursor);
    const rows = await q
      .orderBy("id", "desc")
      .limit(filter.limit + 1)
      .execute();
    return page(rows.map(deliveryFromRow), filter.limit);
  }

  async listAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    const rows = await this.db
      .selectFrom("attempts")
      .selectAll()
      .where("delivery_id", "=", deliveryId)
      .orderBy("attempt")
      .execute();
    return rows.map(attemptFromRow);
  }

  async replayDelivery(
    id: string,
    now: number,
    deliverUntil: number,
  ): Promise<DeliveryRecord | false | undefined> {
    const r = await this.db
      .updateTable("deliveries")
      .set({
        status: "pending",
        next_attempt_at: now,
        due_at: now,
        deliver_until: deliverUntil,
        lease_owner: null,
        lease_until: null,
        updated_at: now,
        delivered_at: null,
      })
      .where("id", "=", id)
      .where("status", "in", ["dead", "delivered"])
      .executeTakeFirst();
    const delivery = await this.getDelivery(id);
    if (!delivery) return undefined;
    return Number(r.numUpdatedRows) === 1 ? delivery : false;
  }
}

function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
