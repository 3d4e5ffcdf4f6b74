import { linkEntries, type Sha256 } from "../core/audit/chain.js";
import { type ChainVerdict, verifyChain } from "../core/audit/verify.js";
import type { AuditStore, ChainHead, SealedAuditEntry } from "../ports/audit-store.js";
import type { Logger } from "../ports/logger.js";
import { chainStart } from "./audit-retention.js";

/** How many entries one seal step links: one short transaction, whatever the backlog. */
export const SEAL_BATCH = 500;

/**
 * Links the oldest unsealed entries into the chain, once: read the head and a batch, hash, and
 * write conditionally. Safe with any number of sealers (replicas, a cron and a request's
 * waitUntil): a step that lost a race writes nothing. Returns how many entries it sealed.
 */
export async function sealOnce(audit: AuditStore, limit = SEAL_BATCH, sha256?: Sha256): Promise<number> {
  const { head, unsealed } = await audit.sealWork(limit);
  if (unsealed.length === 0) return 0;
  return audit.writeSeals(await linkEntries(head, unsealed, sha256));
}

/** Seals until nothing is left (or `maxSteps` steps), for a cron, a shutdown or the CLI. */
export async function sealAll(audit: AuditStore, maxSteps = 1_000, sha256?: Sha256): Promise<number> {
  let total = 0;
  for (let step = 0; step < maxSteps; step++) {
    const n = await sealOnce(audit, SEAL_BATCH, sha256);
    if (n === 0 && (await audit.countUnsealed()) === 0) break;
    total += n;
  }
  return total;
}

/**
 * Node's sealer: a step every `intervalMs` (about 200 ms), so entries are in the chain shortly
 * after their change, and a last pass on stop. Never throws: a failed step (store down, a lost
 * race) is retried on the next tick.
 */
export class AuditSealer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly audit: AuditStore,
    private readonly logger: Logger,
    private readonly intervalMs = 200,
    /** The runtime's hash (Node: node:crypto, synchronous); Web Crypto when not given. */
    private readonly sha256?: Sha256,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    // On Node the timer must not keep the process alive on its own.
    (this.timer as unknown as { unref?: () => void }).unref?.();
  }

  private async tick(): Promise<void> {
    try {
      // A full batch means more is waiting: keep going in this tick.
      while (!this.stopped && (await sealOnce(this.audit, SEAL_BATCH, this.sha256)) === SEAL_BATCH) {}
    } catch (err) {
      this.logger.warn("audit sealing failed; retrying shortly", { error: String(err) });
    }
  }

  /** Stops the timer and seals what is left, so a clean shutdown leaves nothing unsealed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    try {
      await sealAll(this.audit, 100, this.sha256);
    } catch (err) {
      this.logger.warn("audit sealing at shutdown failed", { error: String(err) });
    }
  }
}

/** Page size when reading the chain back: bounded memory at any length. */
const READ_PAGE = 5_000;

/** The sealed chain, in order, page by page. */
export async function* sealedEntries(audit: AuditStore, afterSeq = 0): AsyncGenerator<SealedAuditEntry> {
  let after = afterSeq;
  for (;;) {
    const page = await audit.readSealed(after, READ_PAGE);
    yield* page;
    if (page.length < READ_PAGE) return;
    after = page.at(-1)!.seq;
  }
}

/** What `audit verify` found: the chain's verdict, where it started, and what waits for the sealer. */
export interface AuditVerification {
  verdict: ChainVerdict;
  /** The position the chain starts after when older entries were purged (null: from the start). */
  from: ChainHead | null;
  unsealed: number;
}

/**
 * `audit verify`: recomputes the sealed chain from its start, or, when retention purged older
 * entries, from the newest checkpoint entry (itself part of the chain, so an edited checkpoint is
 * named). Entries left at or before the checkpoint's position count as inserted. A purge that ran
 * meanwhile moves the start, so a broken verdict is checked again from the new checkpoint.
 */
export async function verifyAudit(
  audit: AuditStore,
  options: { head?: string; sha256?: (data: string) => Promise<string> } = {},
): Promise<AuditVerification> {
  for (let attempt = 0; ; attempt++) {
    const start = await chainStart(audit);
    let verification: AuditVerification;
    if (!start.ok) {
      const { seq, id } = start.checkpoint;
      verification = {
        verdict: { ok: false, count: 0, problem: "edited", seq, entryId: id, message: start.message },
        from: null,
        unsealed: await audit.countUnsealed(),
      };
    } else {
      const from = start.from;
      const [first] = from ? await audit.readSealed(0, 1) : [];
      const verdict: ChainVerdict =
        from && first && first.seq <= from.seq
          ? {
              ok: false,
              count: 0,
              problem: "inserted",
              seq: first.seq,
              entryId: first.id,
              message: `entry ${first.seq} (${first.id}) was inserted: the checkpoint says entries up to ${from.seq} were purged`,
            }
          : await verifyChain(sealedEntries(audit, from?.seq ?? 0), {
              ...(options.head ? { head: options.head } : {}),
              ...(options.sha256 ? { sha256: options.sha256 } : {}),
              ...(from ? { from } : {}),
            });
      verification = { verdict, from, unsealed: await audit.countUnsealed() };
    }
    if (verification.verdict.ok || attempt >= 2) return verification;
    const now = await audit.latestCheckpoint();
    if (now?.id === start.checkpoint?.id) return verification;
  }
}
