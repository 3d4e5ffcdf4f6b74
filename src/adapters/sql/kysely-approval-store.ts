import { type CompiledQuery, type Kysely, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type {
  ApprovalFilter,
  ApprovalRecord,
  ApprovalStore,
  DecisionRecord,
  MailOutcome,
  MailRecord,
  MailStatus,
} from "../../ports/approval-store.js";
import type { Page } from "../../ports/page.js";
import {
  approvalFromRow,
  approvalToRow,
  decisionFromRow,
  decisionToRow,
  mailFromRow,
  mailToRow,
} from "./approval-rows.js";
import type { SqlContext, SqlDialectOps } from "./dialect-ops.js";
import { insertWhere } from "./insert-where.js";
import { auditInserts, rowStill } from "./kysely-audit.js";
import * as operator from "./kysely-operator.js";
import { deliveryToRow } from "./rows.js";
import type { Database } from "./schema.js";
import { affectedRows, claimWithLease, newestFirstPage, nextDueAt, toPage } from "./sql-helpers.js";

/** Approvals over Kysely, for every SQL dialect; the same rules as the rest of the store. */
export class KyselyApprovalStore implements ApprovalStore {
  private readonly db: Kysely<Database>;
  private readonly ops: SqlDialectOps;
  private readonly ctx: SqlContext;

  constructor(ctx: SqlContext) {
    this.ctx = ctx;
    this.db = ctx.db;
    this.ops = ctx.ops;
  }

  async createApproval(
    approval: ApprovalRecord,
    mails: readonly MailRecord[],
    audit?: readonly AuditDraft[],
  ): Promise<void> {
    const queries: CompiledQuery[] = [
      this.db.insertInto("approvals").values(approvalToRow(approval)).compile(),
    ];
    // One statement per mail: D1 binds at most 100 parameters per statement.
    for (const mail of mails) queries.push(this.db.insertInto("mails").values(mailToRow(mail)).compile());
    queries.push(...auditInserts(this.ctx, audit));
    await this.ops.atomic(this.db, queries);
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const [row, decisions] = await Promise.all([
      this.db.selectFrom("approvals").selectAll().where("id", "=", id).executeTakeFirst(),
      this.decisionsOf([id]),
    ]);
    return row && approvalFromRow(row, decisions.get(id) ?? []);
  }

  async listApprovals(filter: ApprovalFilter): Promise<Page<ApprovalRecord>> {
    let q = this.db.selectFrom("approvals").selectAll();
    if (filter.status) q = q.where("status", "=", filter.status);
    if (filter.taskId) q = q.where("task_id", "=", filter.taskId);
    const { items, nextCursor } = toPage(await newestFirstPage(q, filter).execute(), filter.limit);
    const decisions = await this.decisionsOf(items.map((r) => r.id));
    return { items: items.map((r) => approvalFromRow(r, decisions.get(r.id) ?? [])), nextCursor };
  }

  private async decisionsOf(ids: string[]): Promise<Map<string, DecisionRecord[]>> {
    const out = new Map<string, DecisionRecord[]>();
    if (ids.length === 0) return out;
    // In chunks: D1 binds at most 100 parameters per statement, and a page may hold 1000.
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += 50) chunks.push(ids.slice(i, i + 50));
    const found = await Promise.all(
      chunks.map((chunk) =>
        this.db
          .selectFrom("decisions")
          .selectAll()
          .where("approval_id", "in", chunk)
          .orderBy("seq")
          .execute(),
      ),
    );
    for (const r of found.flat()) {
      const list = out.get(r.approval_id) ?? [];
      list.push(decisionFromRow(r));
      out.set(r.approval_id, list);
    }
    return out;
  }

  async advanceApproval({
    approvalId,
    version,
    stepId,
    now,
    decision,
    close,
    audit,
  }: Parameters<ApprovalStore["advanceApproval"]>[0]): Promise<boolean> {
    if (!decision && !close) return false;
    const move = this.db
      .updateTable("approvals")
      .set({
        version: version + 1,
        step_id: stepId,
        ...(close ? { status: close.status, closed_at: now, delivery_id: close.delivery.id } : {}),
      })
      .where("id", "=", approvalId)
      .where("version", "=", version)
      .where("status", "=", "pending")
      // A decision needs the approval still open; an ending without one is the expiry.
      .where("expires_at", decision ? ">" : "<=", now);
    const guarded = (
      decision
        ? move.where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom("decisions")
                  .select(sql`1`.as("one"))
                  .where("approval_id", "=", approvalId)
                  .where("approver_index", "=", decision.approverIndex),
              ),
            ),
          )
        : move
    ).compile();
    const mine = sql<boolean>`exists (select 1 from approvals where id = ${approvalId} and step_id = ${stepId})`;
    const queries = [guarded];
    if (decision) {
      queries.push(insertWhere(this.db, "decisions", decisionToRow(approvalId, version + 1, decision), mine));
    }
    if (close) queries.push(insertWhere(this.db, "deliveries", deliveryToRow(close.delivery), mine));
    queries.push(...auditInserts(this.ctx, audit, mine));
    const [moved] = await this.ops.atomic(this.db, queries);
    return affectedRows(moved) === 1;
  }

  async cancelApproval(
    id: string,
    now: number,
    audit?: readonly AuditDraft[],
  ): Promise<ApprovalRecord | undefined> {
    const cancel = this.db
      .updateTable("approvals")
      .set((eb) => ({ status: "cancelled", closed_at: now, version: eb("version", "+", 1), step_id: null }))
      .where("id", "=", id)
      .where("status", "=", "pending")
      .compile();
    const pending = rowStill(this.ctx, "approvals", sql`id = ${id} and status = 'pending'`);
    await this.ops.atomic(this.db, [...auditInserts(this.ctx, audit, pending), cancel]);
    return this.getApproval(id);
  }

  async findExpiredApprovals(now: number, limit: number): Promise<ApprovalRecord[]> {
    const rows = await this.db
      .selectFrom("approvals")
      .selectAll()
      .where("status", "=", "pending")
      .where("expires_at", "<=", now)
      .orderBy("expires_at")
      .limit(limit)
      .execute();
    const decisions = await this.decisionsOf(rows.map((r) => r.id));
    return rows.map((r) => approvalFromRow(r, decisions.get(r.id) ?? []));
  }

  async claimMails(now: number, owner: string, leaseMs: number, limit: number): Promise<MailRecord[]> {
    const rows = await claimWithLease(this.db, this.ops, "mails", { now, owner, leaseMs, limit });
    return rows.map(mailFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  async recordMail(
    id: string,
    owner: string,
    now: number,
    outcome: MailOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean> {
    const base = { lease_owner: null, lease_until: null, updated_at: now };
    const set =
      outcome.kind === "sent"
        ? { ...base, status: "sent", sent_at: now, message_id: outcome.messageId, last_error: null }
        : outcome.kind === "retry"
          ? {
              ...base,
              next_attempt_at: outcome.nextAttemptAt,
              due_at: outcome.nextAttemptAt,
              last_error: outcome.error,
            }
          : { ...base, status: outcome.kind, last_error: outcome.error };
    const record = this.db
      .updateTable("mails")
      .set((eb) => ({
        ...set,
        attempts: outcome.kind === "skipped" ? eb.ref("attempts") : eb("attempts", "+", 1),
      }))
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .compile();
    const held = rowStill(
      this.ctx,
      "mails",
      sql`id = ${id} and lease_owner = ${owner} and status = 'pending'`,
    );
    const entries = auditInserts(this.ctx, audit, held);
    const r = (await this.ops.atomic(this.db, [...entries, record]))[entries.length];
    return affectedRows(r) === 1;
  }

  async listMails(approvalId: string): Promise<MailRecord[]> {
    const rows = await this.db
      .selectFrom("mails")
      .selectAll()
      .where("approval_id", "=", approvalId)
      .orderBy("approver_index")
      .execute();
    return rows.map(mailFromRow);
  }

  listOutbox(f: {
    status?: MailStatus | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<MailRecord>> {
    return operator.listOutbox({ db: this.db, ops: this.ops }, f);
  }
  getMail(id: string): Promise<MailRecord | undefined> {
    return operator.getMail({ db: this.db, ops: this.ops }, id);
  }
  resendMail(
    id: string,
    now: number,
    sendUntil: number,
    audit?: readonly AuditDraft[],
  ): Promise<MailRecord | false | undefined> {
    return operator.resendMail({ db: this.db, ops: this.ops }, id, now, sendUntil, audit);
  }

  nextMailDueAt(): Promise<number | undefined> {
    return nextDueAt(this.db, "mails");
  }
}
