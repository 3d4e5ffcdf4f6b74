import type { Clock } from "../../ports/clock.js";
import type { Ids } from "../../ports/ids.js";
import type { CapturedMail, MailCatcher } from "../../ports/mail-catcher.js";
import type { Mailer, MailMessage, MailReceipt } from "../../ports/mailer.js";
import type { Page } from "../../ports/store.js";

/**
 * A Mailer that sends nothing and keeps each message in memory (newest `capacity`), for local
 * mode: the console's mail catcher shows every approval mail exactly as an approver would get it,
 * and the outbox records it as sent, so the whole mail path runs without an SMTP server.
 */
export class CapturingMailer implements Mailer, MailCatcher {
  /** Oldest first; ids are time-ordered, so the newest are at the end. */
  private readonly kept: CapturedMail[] = [];

  constructor(
    private readonly deps: { clock: Clock; ids: Ids },
    private readonly capacity = 500,
  ) {}

  async send(message: MailMessage): Promise<MailReceipt> {
    const id = this.deps.ids.newId();
    this.kept.push({ id, capturedAt: this.deps.clock.now(), message: structuredClone(message) });
    if (this.kept.length > this.capacity) this.kept.splice(0, this.kept.length - this.capacity);
    return { messageId: `captured-${id}` };
  }

  listCaptured(filter: { cursor?: string | undefined; limit: number }): Page<CapturedMail> {
    const newest = [...this.kept].reverse();
    const from = filter.cursor === undefined ? newest : newest.filter((m) => m.id < filter.cursor!);
    const items = from.slice(0, filter.limit);
    const more = from.length > filter.limit;
    return { items, nextCursor: more ? (items.at(-1)?.id ?? null) : null };
  }

  getCaptured(id: string): CapturedMail | undefined {
    return this.kept.find((m) => m.id === id);
  }
}
