import { type Kysely, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { TaskUpdate } from "../../core/task-status.js";
import type { ApprovalStore } from "../../ports/approval-store.js";
import type { AuditStore } from "../../ports/audit-store.js";
import type { InstanceStore } from "../../ports/instances.js";
import type { Page } from "../../ports/page.js";
import type { RejectionStore } from "../../ports/rejection-store.js";
import type { BulkReplayFilter, PurgeKind } from "../../ports/retention.js";
import type {
  AcceptCallbackInput,
  AcceptResult,
  AttemptOutcome,
  DeliveryFilter,
  ReceiveResult,
  Store,
  WaitFilter,
} from "../../ports/store.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, WaitRecord } from "../../ports/store-records.js";
import type { TaskActivity } from "../../ports/task-activity.js";
import type { SqlContext, SqlDialectOps } from "./dialect-ops.js";
import { KyselyApprovalStore } from "./kysely-approval-store.js";
import { KyselyAuditStore } from "./kysely-audit.js";
import * as bulkReplay from "./kysely-bulk-replay.js";
import * as forwarding from "./kysely-forwarding.js";
import { KyselyInstances } from "./kysely-instances.js";
import * as intake from "./kysely-intake.js";
import * as operator from "./kysely-operator.js";
import * as parking from "./kysely-parking.js";
import { KyselyRejectionStore } from "./kysely-rejections.js";
import * as retention from "./kysely-retention.js";
import { taskActivity } from "./kysely-task-activity.js";
import * as waits from "./kysely-waits.js";
import type { Database } from "./schema.js";
import { nextDueAt } from "./sql-helpers.js";

/**
 * The one Store over Kysely, shared by every SQL dialect. Each area's queries live in their own
 * file (waits, intake, parking, forwarding); this class only binds them to one database.
 */
export class KyselyStore implements Store {
  readonly approvals: ApprovalStore;
  readonly audit: AuditStore;
  readonly instances: InstanceStore;
  readonly rejections: RejectionStore;
  private readonly sql: SqlContext;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ops: SqlDialectOps,
  ) {
    this.sql = { db, ops };
    this.approvals = new KyselyApprovalStore(this.sql);
    this.audit = new KyselyAuditStore(this.sql);
    this.instances = new KyselyInstances(this.sql);
    this.rejections = new KyselyRejectionStore(this.sql);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.ops.close?.();
  }

  createWait(wait: WaitRecord, audit?: readonly AuditDraft[]): Promise<boolean> {
    return waits.createWait(this.sql, wait, audit);
  }
  getWait(id: string): Promise<WaitRecord | undefined> {
    return waits.getWait(this.sql, id);
  }
  listWaits(filter: WaitFilter): Promise<Page<WaitRecord>> {
    return waits.listWaits(this.sql, filter);
  }
  cancelWait(id: string, now: number, audit?: readonly AuditDraft[]): Promise<WaitRecord | undefined> {
    return waits.cancelWait(this.sql, id, now, audit);
  }
  expireWaits(
    now: number,
    entry?: (wait: WaitRecord) => AuditDraft,
    scope?: { source: string; correlationKey: string },
  ): Promise<number> {
    return waits.expireWaits(this.sql, now, entry, scope);
  }
  findOpenWait(source: string, correlationKey: string, now: number): Promise<WaitRecord | undefined> {
    return waits.findOpenWait(this.sql, source, correlationKey, now);
  }

  acceptCallback(input: AcceptCallbackInput): Promise<AcceptResult> {
    return intake.acceptCallback(this.sql, input);
  }
  receiveWebhook(input: {
    delivery: DeliveryRecord;
    waitId: string | null;
    now: number;
    audit?: readonly AuditDraft[];
  }): Promise<ReceiveResult> {
    return intake.receiveWebhook(this.sql, input);
  }

  findParked(source: string, correlationKey: string, now: number): Promise<DeliveryRecord | undefined> {
    return parking.findParked(this.sql, source, correlationKey, now);
  }
  releaseParked(input: {
    deliveryId: string;
    wait: WaitRecord;
    update: TaskUpdate;
    contentHash: string;
    deliverUntil: number;
    now: number;
    audit?: readonly AuditDraft[];
  }): Promise<boolean> {
    return parking.releaseParked(this.sql, input);
  }
  expireParked(now: number, entry?: (delivery: DeliveryRecord) => AuditDraft): Promise<number> {
    return parking.expireParked(this.sql, now, entry);
  }

  claimDue(now: number, owner: string, leaseMs: number, limit: number): Promise<DeliveryRecord[]> {
    return forwarding.claimDue(this.sql, now, owner, leaseMs, limit);
  }
  nextDueAt(): Promise<number | undefined> {
    return nextDueAt(this.db, "deliveries");
  }
  recordAttempt(
    id: string,
    owner: string,
    now: number,
    outcome: AttemptOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean> {
    return forwarding.recordAttempt(this.sql, id, owner, now, outcome, audit);
  }
  replayDelivery(
    id: string,
    now: number,
    deliverUntil: number,
    audit?: readonly AuditDraft[],
  ): Promise<DeliveryRecord | false | undefined> {
    return forwarding.replayDelivery(this.sql, id, now, deliverUntil, audit);
  }
  countDeliveries(): Promise<Record<DeliveryStatus, number>> {
    return operator.countDeliveries(this.sql);
  }
  countPending(limit: number): Promise<number> {
    return operator.countPending(this.sql, limit);
  }
  discardParked(
    id: string,
    now: number,
    reason: string,
    audit?: readonly AuditDraft[],
  ): Promise<DeliveryRecord | false | undefined> {
    return operator.discardParked(this.sql, id, now, reason, audit);
  }
  getDelivery(id: string): Promise<DeliveryRecord | undefined> {
    return forwarding.getDelivery(this.sql, id);
  }
  listDeliveries(filter: DeliveryFilter): Promise<Page<DeliveryRecord>> {
    return forwarding.listDeliveries(this.sql, filter);
  }
  listAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    return forwarding.listAttempts(this.sql, deliveryId);
  }
  taskActivity(taskId: string, now: number): Promise<TaskActivity> {
    return taskActivity(this.sql, taskId, now);
  }
  replayDeliveries(
    filter: BulkReplayFilter,
    now: number,
    deliverUntil: number,
    limit: number,
    audit?: AuditDraft,
  ): Promise<number> {
    return bulkReplay.replayDeliveries(this.sql, filter, now, deliverUntil, limit, audit);
  }
  countReplayable(filter: BulkReplayFilter, limit: number): Promise<number> {
    return bulkReplay.countReplayable(this.sql, filter, limit);
  }
  purgeBatch(kind: PurgeKind, before: number, limit: number): Promise<number> {
    return retention.purgeBatch(this.sql, kind, before, limit);
  }
  countPurgeable(kind: PurgeKind, before: number): Promise<number> {
    return retention.countPurgeable(this.sql, kind, before);
  }
}
