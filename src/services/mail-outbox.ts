import { fullJitterDelay } from "../core/backoff.js";
import { isTaskgateError } from "../core/errors.js";
import type { RenderApprovalMail } from "../ports/approval-mail-view.js";
import type { MailRecord } from "../ports/approval-store.js";
import type { Mailer } from "../ports/mailer.js";
import { approvalLink } from "./approvals.js";
import type { ServiceDeps } from "./deps.js";

export interface MailOutboxOptions {
  /** How a mail looks (the view lives with the pages); the outbox decides only what is sent. */
  render: RenderApprovalMail;
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Mails sent per pass. */
  batch?: number;
  /** Full-jitter backoff between attempts at one mail. */
  retry?: { baseDelayMs: number; maxDelayMs: number };
}

/**
 * Sends queued approval mails: claims them with a lease, renders each (the link is re-derived,
 * never stored), sends, and records the outcome. A transient refusal is retried with backoff
 * until the approval expires; a permanent one is given up and visible on the approval.
 */
export class MailOutbox {
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly batch: number;
  private readonly retry: { baseDelayMs: number; maxDelayMs: number };
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly owner: string;
  private readonly render: RenderApprovalMail;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly mailer: Mailer,
    o: MailOutboxOptions,
  ) {
    this.render = o.render;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.pollIntervalMs = o.pollIntervalMs ?? 5_000;
    this.batch = o.batch ?? 10;
    this.retry = o.retry ?? { baseDelayMs: 5_000, maxDelayMs: 300_000 };
    this.owner = `mail-${deps.ids.newId()}`;
  }

  kick(): void {
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.kick();
    await this.loop;
    this.running = false;
    await this.mailer.close?.();
  }

  /** One pass (a Workers cron, or after a create): send what is due; returns how many it handled. */
  async runOnce(): Promise<number> {
    const mails = await this.deps.store.approvals.claimMails(
      this.deps.clock.now(),
      this.owner,
      this.leaseMs,
      this.batch,
    );
    for (const mail of mails) await this.send(mail);
    return mails.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.deps.logger.error("mail outbox pass failed; retrying", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      if (handled < this.batch) await this.idle();
    }
  }

  private async idle(): Promise<void> {
    const next = await this.deps.store.approvals.nextMailDueAt().catch(() => undefined);
    const wait = Math.max(
      50,
      Math.min(this.pollIntervalMs, next === undefined ? Infinity : next - this.deps.clock.now()),
    );
    const controller = new AbortController();
    this.wake = () => controller.abort();
    if (!this.stopping) await this.deps.clock.sleep(wait, controller.signal);
    this.wake = undefined;
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
      return;
    }
    try {
      const link = await approvalLink(deps, approval, mail.approverIndex);
      const receipt = await this.mailer.send(
        await this.render({ approval, approverIndex: mail.approverIndex, link, now }),
      );
      await deps.store.approvals.recordMail(mail.id, this.owner, deps.clock.now(), {
        kind: "sent",
        messageId: receipt.messageId,
      });
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
        log.warn("approval mail not sent; will retry", { error, attempt: mail.attempts + 1 });
      } else {
        await deps.store.approvals.recordMail(mail.id, this.owner, at, { kind: "dead", error });
        log.error("approval mail given up", { error, attempt: mail.attempts + 1 });
      }
    }
  }
}
