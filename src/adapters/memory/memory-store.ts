import { type AuditDraft, entryForDelivery } from "../../core/audit/entry.js";
import type { TaskUpdate } from "../../core/task-status.js";
import type { ApprovalStore } from "../../ports/approval-store.js";
import type { InstanceStore } from "../../ports/instances.js";
import type { RejectionStore } from "../../ports/rejection-store.js";
import type { BulkReplayFilter, PurgeKind } from "../../ports/retention.js";
import type {
  AcceptCallbackInput,
  AcceptResult,
  AttemptOutcome,
  AttemptRecord,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryStatus,
  Page,
  ReceiveResult,
  Store,
  WaitFilter,
  WaitRecord,
} from "../../ports/store.js";
import type { TaskActivity } from "../../ports/task-activity.js";
import { MemoryApprovalStore } from "./memory-approval-store.js";
import { MemoryAuditStore } from "./memory-audit-store.js";
import { MemoryInstances } from "./memory-instances.js";
import { MemoryRejectionStore } from "./memory-rejection-store.js";

/**
 * A Store in plain memory, for runtimes without an embedded database (Deno and Bun smoke runs)
 * and throw-away gateways. Each method runs without awaiting in the middle, so it is atomic on a
 * single-threaded runtime. It passes the same contract suite as the SQL stores.
 */
export class MemoryStore implements Store {
  private readonly waits = new Map<string, WaitRecord>();
  private readonly deliveries = new Map<string, DeliveryRecord>();
  private readonly auditStore = new MemoryAuditStore();
  readonly audit = this.auditStore;
  private readonly approvalStore = new MemoryApprovalStore(this.deliveries, this.auditStore);
  readonly approvals: ApprovalStore = this.approvalStore;
  readonly instances: InstanceStore = new MemoryInstances(this.deliveries, (isDead, now) =>
    this.approvalStore.releaseMailLeases(isDead, now),
  );
  readonly rejections: RejectionStore = new MemoryRejectionStore();
  private readonly attempts = new Map<string, AttemptRecord[]>();
  private closed = false;

  async ping(): Promise<void> {
    if (this.closed) throw new Error("store closed");
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async createWait(wait: WaitRecord, audit?: readonly AuditDraft[]): Promise<boolean> {
    if (wait.source !== null && wait.correlationKey !== null) {
      for (const w of this.waits.values()) {
        if (w.status !== "open" || w.source !== wait.source || w.correlationKey !== wait.correlationKey)
          continue;
        if (w.expiresAt > wait.createdAt) return false;
        this.waits.set(w.id, { ...w, status: "expired", closedAt: wait.createdAt });
      }
    }
    if (this.waits.has(wait.id)) return false;
    this.waits.set(wait.id, clone(wait));
    this.auditStore.add(audit);
    return true;
  }

  async getWait(id: string): Promise<WaitRecord | undefined> {
    const w = this.waits.get(id);
    return w && clone(w);
  }

  async listWaits(f: WaitFilter): Promise<Page<WaitRecord>> {
    const rows = [...this.waits.values()].filter(
      (w) =>
        (!f.status || w.status === f.status) &&
        (!f.source || w.source === f.source) &&
        (!f.taskId || w.taskId === f.taskId) &&
        (!f.correlationKey || w.correlationKey === f.correlationKey) &&
        (!f.cursor || w.id < f.cursor),
    );
    return page(rows, f.limit);
  }

  async cancelWait(id: string, now: number, audit?: readonly AuditDraft[]): Promise<WaitRecord | undefined> {
    const w = this.waits.get(id);
    if (!w) return undefined;
    if (w.status === "open") {
      this.waits.set(id, { ...w, status: "cancelled", closedAt: now });
      this.auditStore.add(audit);
    }
    return this.getWait(id);
  }

  async expireWaits(
    now: number,
    entry?: (wait: WaitRecord) => AuditDraft,
    scope?: { source: string; correlationKey: string },
  ): Promise<number> {
    let n = 0;
    for (const w of this.waits.values()) {
      if (w.status !== "open" || w.expiresAt > now) continue;
      if (scope && (w.source !== scope.source || w.correlationKey !== scope.correlationKey)) continue;
      const drafts = entry ? [entry(clone(w))] : [];
      this.auditStore.check(drafts);
      this.waits.set(w.id, { ...w, status: "expired", closedAt: now });
      this.auditStore.add(drafts);
      n++;
    }
    return n;
  }

  async acceptCallback({ waitId, now, delivery, audit }: AcceptCallbackInput): Promise<AcceptResult> {
    const w = this.waits.get(waitId);
    if (!w) return { kind: "not_found" };
    if (w.status === "open" && w.expiresAt > now) {
      this.waits.set(waitId, {
        ...w,
        status: "closed",
        closedAt: now,
        deliveryId: delivery.id,
        closedWithHash: delivery.contentHash,
      });
      this.deliveries.set(delivery.id, clone(delivery));
      this.auditStore.add(audit);
      return { kind: "accepted", delivery };
    }
    if (w.status === "closed" && w.closedWithHash === delivery.contentHash)
      return { kind: "duplicate", wait: clone(w) };
    return { kind: "closed", wait: clone(w.status === "open" ? { ...w, status: "expired" } : w) };
  }

  async receiveWebhook({
    delivery,
    waitId,
    now,
    audit,
  }: {
    delivery: DeliveryRecord;
    waitId: string | null;
    now: number;
    audit?: readonly AuditDraft[];
  }): Promise<ReceiveResult> {
    if (delivery.source !== null && delivery.dedupeKey !== null) {
      for (const d of this.deliveries.values()) {
        if (d.source === delivery.source && d.dedupeKey === delivery.dedupeKey)
          return { kind: "duplicate", delivery: clone(d) };
      }
    }
    if (waitId !== null) {
      const w = this.waits.get(waitId);
      if (w?.status !== "open" || w.expiresAt <= now) return { kind: "wait_gone" };
      this.waits.set(waitId, {
        ...w,
        status: "closed",
        closedAt: now,
        deliveryId: delivery.id,
        closedWithHash: delivery.contentHash,
      });
    }
    this.deliveries.set(delivery.id, clone(delivery));
    this.auditStore.add(audit);
    return { kind: "stored", delivery };
  }

  async findOpenWait(source: string, correlationKey: string, now: number): Promise<WaitRecord | undefined> {
    for (const w of this.waits.values()) {
      if (
        w.source === source &&
        w.correlationKey === correlationKey &&
        w.status === "open" &&
        w.expiresAt > now
      ) {
        return clone(w);
      }
    }
    return undefined;
  }

  async findParked(source: string, correlationKey: string, now: number): Promise<DeliveryRecord | undefined> {
    const parked = [...this.deliveries.values()]
      .filter(
        (d) =>
          d.source === source &&
          d.correlationKey === correlationKey &&
          d.status === "parked" &&
          (d.parkUntil ?? 0) > now,
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return parked[0] && clone(parked[0]);
  }

  async releaseParked(input: {
    deliveryId: string;
    wait: WaitRecord;
    update: TaskUpdate;
    contentHash: string;
    deliverUntil: number;
    now: number;
    audit?: readonly AuditDraft[];
  }): Promise<boolean> {
    const { deliveryId, wait, now } = input;
    const d = this.deliveries.get(deliveryId);
    const w = this.waits.get(wait.id);
    if (d?.status !== "parked" || (d.parkUntil ?? 0) <= now) return false;
    if (w?.status !== "open" || w.expiresAt <= now) return false;
    this.waits.set(w.id, {
      ...w,
      status: "closed",
      closedAt: now,
      deliveryId,
      closedWithHash: input.contentHash,
    });
    this.deliveries.set(deliveryId, {
      ...d,
      status: "pending",
      waitId: w.id,
      taskId: w.taskId,
      executionId: w.executionId,
      update: clone(input.update),
      contentHash: input.contentHash,
      nextAttemptAt: now,
      deliverUntil: input.deliverUntil,
      updatedAt: now,
    });
    this.auditStore.add(input.audit);
    return true;
  }

  async expireParked(now: number, entry?: (delivery: DeliveryRecord) => AuditDraft): Promise<number> {
    const due = [...this.deliveries.values()].filter(
      (d) => d.status === "parked" && (d.parkUntil ?? 0) <= now,
    );
    // One step, as on SQL: every entry is checked before any delivery changes.
    const drafts = entry ? due.map((d) => entry(clone(d))) : [];
    this.auditStore.check(drafts);
    for (const d of due) this.deliveries.set(d.id, { ...d, status: "expired", updatedAt: now });
    this.auditStore.add(drafts);
    return due.length;
  }

  async claimDue(now: number, owner: string, leaseMs: number, limit: number): Promise<DeliveryRecord[]> {
    const due = [...this.deliveries.values()]
      .filter(
        (d) =>
          d.status === "pending" && d.nextAttemptAt <= now && (d.leaseUntil === null || d.leaseUntil <= now),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, Math.max(0, limit));
    return due.map((d) => {
      const leased = {
        ...d,
        leaseOwner: owner,
        leaseUntil: now + leaseMs,
        updatedAt: now,
        claims: d.claims + 1,
      };
      this.deliveries.set(d.id, leased);
      return clone(leased);
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    let next: number | undefined;
    for (const d of this.deliveries.values()) {
      if (d.status !== "pending") continue;
      const at = Math.max(d.nextAttemptAt, d.leaseUntil ?? 0);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  async recordAttempt(
    id: string,
    owner: string,
    now: number,
    outcome: AttemptOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean> {
    const d = this.deliveries.get(id);
    if (!d || d.leaseOwner !== owner || d.status !== "pending") return false;
    const a = outcome.attempt;
    const base = {
      ...d,
      attempts: a.attempt,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
      lastStatus: a.httpStatus,
      lastRequestId: a.requestId,
      lastError: a.error,
    };
    this.deliveries.set(
      id,
      outcome.kind === "retry"
        ? { ...base, nextAttemptAt: outcome.nextAttemptAt }
        : outcome.kind === "dead"
          ? { ...base, status: "dead" }
          : { ...base, status: "delivered", deliveredAt: now },
    );
    this.attempts.set(id, [...(this.attempts.get(id) ?? []), clone(a)]);
    this.auditStore.add(audit);
    return true;
  }

  async getDelivery(id: string): Promise<DeliveryRecord | undefined> {
    const d = this.deliveries.get(id);
    return d && clone(d);
  }

  async listDeliveries(f: DeliveryFilter): Promise<Page<DeliveryRecord>> {
    const rows = [...this.deliveries.values()].filter(
      (d) =>
        (!f.status || d.status === f.status) &&
        (!f.waitId || d.waitId === f.waitId) &&
        (!f.source || d.source === f.source) &&
        (!f.correlationKey || d.correlationKey === f.correlationKey) &&
        (f.since === undefined || d.createdAt >= f.since) &&
        (f.until === undefined || d.createdAt < f.until) &&
        (!f.cursor || d.id < f.cursor),
    );
    return page(rows, f.limit);
  }

  async listAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    return (this.attempts.get(deliveryId) ?? []).map(clone);
  }

  async taskActivity(taskId: string, now: number): Promise<TaskActivity> {
    const delivered = [...this.deliveries.values()]
      .filter((d) => d.taskId === taskId && d.status === "delivered")
      .sort((a, b) => (b.deliveredAt ?? 0) - (a.deliveredAt ?? 0) || (a.id < b.id ? 1 : -1))[0];
    let openWaits = 0;
    for (const w of this.waits.values()) {
      if (w.taskId === taskId && w.status === "open" && w.expiresAt > now) openWaits++;
    }
    return {
      delivered: delivered && {
        deliveryId: delivered.id,
        status: delivered.update.status,
        deliveredAt: delivered.deliveredAt ?? 0,
      },
      openWaits,
      pendingApprovals: this.approvalStore.pendingFor(taskId, now),
    };
  }

  async replayDelivery(
    id: string,
    now: number,
    deliverUntil: number,
    audit?: readonly AuditDraft[],
  ): Promise<DeliveryRecord | false | undefined> {
    const d = this.deliveries.get(id);
    if (!d) return undefined;
    if (d.status !== "dead" && d.status !== "delivered") return false;
    this.auditStore.check(audit);
    const replayed = this.requeue(d, now, deliverUntil);
    this.auditStore.add(audit);
    return clone(replayed);
  }

  private requeue(d: DeliveryRecord, now: number, deliverUntil: number): DeliveryRecord {
    const replayed: DeliveryRecord = {
      ...d,
      status: "pending",
      nextAttemptAt: now,
      deliverUntil,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
      deliveredAt: null,
    };
    this.deliveries.set(d.id, replayed);
    return replayed;
  }

  async countDeliveries(): Promise<Record<DeliveryStatus, number>> {
    const counts = emptyDeliveryCounts();
    for (const d of this.deliveries.values()) counts[d.status] += 1;
    return counts;
  }

  async countPending(limit: number): Promise<number> {
    let n = 0;
    for (const d of this.deliveries.values()) {
      if (n >= limit) break;
      if (d.status === "pending") n++;
    }
    return n;
  }

  async discardParked(
    id: string,
    now: number,
    reason: string,
    audit?: readonly AuditDraft[],
  ): Promise<DeliveryRecord | false | undefined> {
    const d = this.deliveries.get(id);
    if (!d) return undefined;
    if (d.status !== "parked") return false;
    const discarded: DeliveryRecord = { ...d, status: "ignored", reason, parkUntil: null, updatedAt: now };
    this.deliveries.set(id, discarded);
    this.auditStore.add(audit);
    return clone(discarded);
  }

  async replayDeliveries(
    f: BulkReplayFilter,
    now: number,
    deliverUntil: number,
    limit: number,
    audit?: AuditDraft,
  ): Promise<number> {
    const ids = this.replayable(f, limit);
    const drafts = audit ? ids.map((id) => entryForDelivery(audit, id)) : [];
    // One step, as on SQL: nothing is awaited between choosing the deliveries and queuing them.
    this.auditStore.check(drafts);
    for (const id of ids) this.requeue(this.deliveries.get(id)!, now, deliverUntil);
    this.auditStore.add(drafts);
    return ids.length;
  }

  async countReplayable(f: BulkReplayFilter, limit: number): Promise<number> {
    return this.replayable(f, limit).length;
  }

  private replayable(f: BulkReplayFilter, limit: number): string[] {
    return [...this.deliveries.values()]
      .filter(
        (d) =>
          d.status === f.status &&
          (f.source === undefined || d.source === f.source) &&
          (f.since === undefined || d.createdAt >= f.since) &&
          (f.until === undefined || d.createdAt < f.until),
      )
      .map((d) => d.id)
      .sort()
      .slice(0, Math.max(0, limit));
  }

  async purgeBatch(kind: PurgeKind, before: number, limit: number): Promise<number> {
    const ids = this.purgeable(kind, before).slice(0, Math.max(0, limit));
    for (const id of ids) {
      if (kind === "waits") this.waits.delete(id);
      else if (kind === "approvals") this.approvalStore.remove(id);
      else {
        this.deliveries.delete(id);
        this.attempts.delete(id);
      }
    }
    return ids.length;
  }

  async countPurgeable(kind: PurgeKind, before: number): Promise<number> {
    return this.purgeable(kind, before).length;
  }

  private purgeable(kind: PurgeKind, before: number): string[] {
    if (kind === "approvals") return this.approvalStore.purgeable(before);
    if (kind === "waits") {
      const withDelivery = new Set([...this.deliveries.values()].map((d) => d.waitId));
      return [...this.waits.values()]
        .filter((w) => w.status !== "open" && (w.closedAt ?? w.expiresAt) < before && !withDelivery.has(w.id))
        .map((w) => w.id)
        .sort();
    }
    return [...this.deliveries.values()]
      .filter((d) => d.status === kind && d.updatedAt < before)
      .map((d) => d.id)
      .sort();
  }
}

/** Every delivery state at zero, so a count never lacks a key. */
export function emptyDeliveryCounts(): Record<DeliveryStatus, number> {
  return { pending: 0, delivered: 0, dead: 0, parked: 0, ignored: 0, expired: 0 };
}

function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const sorted = rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const items = sorted.slice(0, limit).map(clone);
  return { items, nextCursor: sorted.length > limit ? (items.at(-1)?.id ?? null) : null };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
