import { fullJitterDelay } from "../core/backoff.js";
import { isTaskgateError } from "../core/errors.js";
import type { RenderApprovalMail } from "../ports/approval-mail-view.js";
import type { MailRecord } from "../ports/approval-store.js";
import type { Mailer } from "../ports/mailer.js";
import { approvalLink } from "./approvals.js";
import { auditEntry } from "./audit-entries.js";
import type { ServiceDeps } from "./deps.js";
import { WorkLoop } from "./work-loop.js";

export interface MailOutboxOptions {
  /** How a mail looks (the view lives with the pages); the outbox decides only what is sent. */
  render: RenderApprovalMail;
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Mails sent per pass. */
  batch?: number;
  /** Full-jitter backoff between attempts at one mail. */
  retry?: { baseDelayMs: number; maxDelayMs: number };
  /** This process among replicas: the prefix of its lease owner (heartbeat takeover). */
  instanceId?: string;
}

/**
 * Sends queued approval mails: claims them with a lease, renders each (the link is re-derived,
 * never stored), sends, and records the outcome. A transient refusal is retried with backoff
 * until the approval expires; a permanent one is given up and visible on the approval.
 */
export class MailOutbox {
  private readonly batch: number;
  private readonly retry: { baseDelayMs: number; maxDelayMs: number };
  private readonly loop: WorkLoop<MailRecord>;
  private readonly owner: string;
  private readonly render: RenderApprovalMail;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly mailer: Mailer,
    o: MailOutboxOptions,
  ) {
    this.render = o.render;
    const leaseMs = o.leaseMs ?? 60_000;
    this.batch = o.batch ?? 10;
    this.retry = o.retry ?? { baseDelayMs: 5_000, maxDelayMs: 300_000 };
    this.owner = o.instanceId ? `${o.instanceId}/mail-${deps.ids.newId()}` : `mail-${deps.ids.newId()}`;
    // One mail at a time, a batch claimed at once: a mail server is better served in turn.
    this.loop = new WorkLoop<MailRecord>({
      name: "mail outbox",
      clock: deps.clock,
      logger: deps.logger,
      concurrency: 1,
      window: this.batch,
      pollIntervalMs: o.pollIntervalMs ?? 5_000,
      claim: (limit) => deps.store.approvals.claimMails(deps.clock.now(), this.owner, leaseMs, limit),
      nextDueAt: () => deps.store.approvals.nextMailDueAt(),
      handle: (mail) => this.send(mail),
    });
  }

  kick(): void {
    this.loop.kick();
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, sends what it holds (within the grace), then closes the mailer. */
  async stop(graceMs?: number): Promise<void> {
    if (await this.loop.stop(graceMs)) await this.mailer.close?.();
  }

  /** One pass (a Workers cron, or after a create): send what is due; returns how many it handled. */
  runOnce(limit = this.batch): Promise<number> {
    return this.loop.runOnce(limit);
  }

  private async send(mail: MailRecord): Promise<void> {
    const { deps } = this;
    const log = deps.logger.child({
      mailId: mail.id,
      approvalId: mail.approvalId,
      approver: mail.approverIndex,
    });
    const approval = await deps.store.approvals.getApproval(mail.approvalId);
    const now = deps.clock.now();
    if (approval?.status !== "pending" || approval.expiresAt <= now) {
      await deps.store.approvals.recordMail(mail.id, this.owner, now, {
        kind: "skipped",
        error: `the approval is ${approval?.status ?? "gone"}`,
      });
      deps.metrics.mail.labels("skipped").inc();
      return;
    }
    try {
      const link = await approvalLink(deps, approval, mail.approverIndex);
      const receipt = await this.mailer.send(
        await this.render({ approval, approverIndex: mail.approverIndex, link, now }),
      );
      const sentAt = deps.clock.now();
      const approver = approval.approvers[mail.approverIndex];
      await deps.store.approvals.recordMail(
        mail.id,
        this.owner,
        sentAt,
        { kind: "sent", messageId: receipt.messageId },
        [
          auditEntry(
            deps,
            sentAt,
            "approval.mailed",
            "mailer",
            { approvalId: approval.id },
            {
              mailId: mail.id,
              approverIndex: mail.approverIndex,
              email: approver?.email,
              messageId: receipt.messageId,
            },
          ),
        ],
      );
      deps.metrics.mail.labels("sent").inc();
      log.info("approval mail sent");
    } catch (err) {
      const error = isTaskgateError(err) ? err.message : "unexpected error while sending";
      const retryable = isTaskgateError(err) ? err.details?.retryable === true : true;
      const at = deps.clock.now();
      const nextAttemptAt = at + Math.max(1_000, fullJitterDelay(mail.attempts, deps.ids.random, this.retry));
      if (retryable && nextAttemptAt < mail.sendUntil) {
        await deps.store.approvals.recordMail(mail.id, this.owner, at, {
          kind: "retry",
          nextAttemptAt,
          error,
        });
        deps.metrics.mail.labels("retry").inc();
        log.warn("approval mail not sent; will retry", { error, attempt: mail.attempts + 1 });
      } else {
        await deps.store.approvals.recordMail(mail.id, this.owner, at, { kind: "dead", error });
        deps.metrics.mail.labels("dead").inc();
        log.error("approval mail given up", { error, attempt: mail.attempts + 1 });
      }
    }
  }
}
