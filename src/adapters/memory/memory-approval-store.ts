import type { AuditDraft } from "../../core/audit/entry.js";
import type {
  ApprovalFilter,
  ApprovalRecord,
  ApprovalStore,
  MailOutcome,
  MailRecord,
  MailStatus,
} from "../../ports/approval-store.js";
import type { DeliveryRecord, Page } from "../../ports/store.js";
import type { MemoryAuditStore } from "./memory-audit-store.js";

/** Approvals in plain memory; each method runs without awaiting in the middle, so it is atomic. */
export class MemoryApprovalStore implements ApprovalStore {
  private readonly approvals = new Map<string, ApprovalRecord>();
  private readonly mails = new Map<string, MailRecord>();

  /** The owning MemoryStore's deliveries and audit log, written in the same step. */
  constructor(
    private readonly deliveries: Map<string, DeliveryRecord>,
    private readonly audit: MemoryAuditStore,
  ) {}

  async createApproval(
    approval: ApprovalRecord,
    mails: readonly MailRecord[],
    audit?: readonly AuditDraft[],
  ): Promise<void> {
    if (this.approvals.has(approval.id) || mails.some((m) => this.mails.has(m.id)))
      throw new Error("duplicate id");
    this.audit.check(audit);
    this.approvals.set(approval.id, structuredClone({ ...approval, decisions: [] }));
    for (const m of mails) this.mails.set(m.id, structuredClone(m));
    this.audit.add(audit);
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const a = this.approvals.get(id);
    return a && structuredClone(a);
  }

  /** Pending, unexpired approvals on a task (for the store's taskActivity). */
  pendingFor(taskId: string, now: number): number {
    let n = 0;
    for (const a of this.approvals.values()) {
      if (a.taskId === taskId && a.status === "pending" && a.expiresAt > now) n++;
    }
    return n;
  }

  /** Decided approvals closed before `before` whose delivery is gone and no mail is pending, oldest first. */
  purgeable(before: number): string[] {
    const mailing = new Set(
      [...this.mails.values()].filter((m) => m.status === "pending").map((m) => m.approvalId),
    );
    return [...this.approvals.values()]
      .filter(
        (a) =>
          a.status !== "pending" &&
          (a.closedAt ?? a.expiresAt) < before &&
          (a.deliveryId === null || !this.deliveries.has(a.deliveryId)) &&
          !mailing.has(a.id),
      )
      .map((a) => a.id)
      .sort();
  }

  /** Deletes an approval with its decisions and mails (retention). */
  remove(id: string): void {
    this.approvals.delete(id);
    for (const m of [...this.mails.values()]) if (m.approvalId === id) this.mails.delete(m.id);
  }

  async listApprovals(f: ApprovalFilter): Promise<Page<ApprovalRecord>> {
    const rows = [...this.approvals.values()]
      .filter(
        (a) =>
          (!f.status || a.status === f.status) &&
          (!f.taskId || a.taskId === f.taskId) &&
          (!f.cursor || a.id < f.cursor),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = rows.slice(0, f.limit).map((a) => structuredClone(a));
    return { items, nextCursor: rows.length > f.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async advanceApproval({
    approvalId,
    version,
    now,
    decision,
    close,
    audit,
  }: Parameters<ApprovalStore["advanceApproval"]>[0]): Promise<boolean> {
    const a = this.approvals.get(approvalId);
    if (!a || a.version !== version || a.status !== "pending" || (!decision && !close)) return false;
    if (decision ? a.expiresAt <= now : a.expiresAt > now) return false;
    if (decision && a.decisions.some((d) => d.approverIndex === decision.approverIndex)) return false;
    const next: ApprovalRecord = {
      ...a,
      version: version + 1,
      decisions: decision ? [...a.decisions, structuredClone(decision)] : a.decisions,
    };
    if (close) {
      next.status = close.status;
      next.closedAt = now;
      next.deliveryId = close.delivery.id;
      this.deliveries.set(close.delivery.id, structuredClone(close.delivery));
    }
    this.approvals.set(approvalId, next);
    this.audit.add(audit);
    return true;
  }

  async cancelApproval(
    id: string,
    now: number,
    audit?: readonly AuditDraft[],
  ): Promise<ApprovalRecord | undefined> {
    const a = this.approvals.get(id);
    if (!a) return undefined;
    if (a.status === "pending") {
      this.approvals.set(id, { ...a, status: "cancelled", closedAt: now, version: a.version + 1 });
      this.audit.add(audit);
    }
    return this.getApproval(id);
  }

  async findExpiredApprovals(now: number, limit: number): Promise<ApprovalRecord[]> {
    return [...this.approvals.values()]
      .filter((a) => a.status === "pending" && a.expiresAt <= now)
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .slice(0, limit)
      .map((a) => structuredClone(a));
  }

  /** Takeover: releases pending mails leased by an owner `isDead` names; returns how many. */
  releaseMailLeases(isDead: (owner: string) => boolean, now: number): number {
    let n = 0;
    for (const m of this.mails.values()) {
      if (m.status !== "pending" || m.leaseOwner === null || !isDead(m.leaseOwner)) continue;
      this.mails.set(m.id, { ...m, leaseOwner: null, leaseUntil: null, updatedAt: now });
      n++;
    }
    return n;
  }

  async claimMails(now: number, owner: string, leaseMs: number, limit: number): Promise<MailRecord[]> {
    const due = [...this.mails.values()]
      .filter((m) => m.status === "pending" && m.nextAttemptAt <= now && (m.leaseUntil ?? 0) <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, Math.max(0, limit));
    return due.map((m) => {
      const leased = { ...m, leaseOwner: owner, leaseUntil: now + leaseMs, updatedAt: now };
      this.mails.set(m.id, leased);
      return structuredClone(leased);
    });
  }

  async recordMail(
    id: string,
    owner: string,
    now: number,
    outcome: MailOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean> {
    const m = this.mails.get(id);
    if (!m || m.leaseOwner !== owner || m.status !== "pending") return false;
    const base: MailRecord = {
      ...m,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
      attempts: outcome.kind === "skipped" ? m.attempts : m.attempts + 1,
    };
    this.mails.set(
      id,
      outcome.kind === "sent"
        ? { ...base, status: "sent", sentAt: now, messageId: outcome.messageId, lastError: null }
        : outcome.kind === "retry"
          ? { ...base, nextAttemptAt: outcome.nextAttemptAt, lastError: outcome.error }
          : { ...base, status: outcome.kind, lastError: outcome.error },
    );
    this.audit.add(audit);
    return true;
  }

  async listMails(approvalId: string): Promise<MailRecord[]> {
    return [...this.mails.values()]
      .filter((m) => m.approvalId === approvalId)
      .sort((a, b) => a.approverIndex - b.approverIndex)
      .map((m) => structuredClone(m));
  }

  async listOutbox(f: {
    status?: MailStatus | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<MailRecord>> {
    const rows = [...this.mails.values()]
      .filter((m) => (!f.status || m.status === f.status) && (!f.cursor || m.id < f.cursor))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = rows.slice(0, f.limit).map((m) => structuredClone(m));
    return { items, nextCursor: rows.length > f.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async getMail(id: string): Promise<MailRecord | undefined> {
    const m = this.mails.get(id);
    return m && structuredClone(m);
  }

  async resendMail(
    id: string,
    now: number,
    sendUntil: number,
    audit?: readonly AuditDraft[],
  ): Promise<MailRecord | false | undefined> {
    const m = this.mails.get(id);
    if (!m) return undefined;
    if (m.status === "pending") return false;
    this.audit.add(audit);
    const queued: MailRecord = {
      ...m,
      status: "pending",
      nextAttemptAt: now,
      sendUntil,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      updatedAt: now,
    };
    this.mails.set(id, queued);
    return structuredClone(queued);
  }

  async nextMailDueAt(): Promise<number | undefined> {
    let next: number | undefined;
    for (const m of this.mails.values()) {
      if (m.status !== "pending") continue;
      const at = Math.max(m.nextAttemptAt, m.leaseUntil ?? 0);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }
}
