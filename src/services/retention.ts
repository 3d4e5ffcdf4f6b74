import type { Clock } from "../ports/clock.js";
import type { Ids } from "../ports/ids.js";
import type { Logger } from "../ports/logger.js";
import type { PurgeKind, Store } from "../ports/store.js";
import { auditPurgeStep } from "./audit-retention.js";

/**
 * One rule of retention: what it deletes and how. The purge job and `taskgate purge` run a list
 * of these in order, so a table owned elsewhere (the rejected-request log, the audit chain) joins
 * retention by adding its step to `purgeSteps`, not by touching the job.
 */
export interface PurgeStep {
  /** What it deletes, as printed by `taskgate purge` and logged ("delivered", "waits", ...). */
  kind: string;
  /** Rows that settled more than this long ago are deleted. */
  keepMs: number;
  /** Deletes one batch of at most `limit` rows older than `before`, in one short step; how many. */
  purgeBatch(before: number, limit: number): Promise<number>;
  /** How many rows a purge at `before` would delete (the dry run). */
  count(before: number): Promise<number>;
}

/** The order matters: a wait or an approval is kept while its delivery is, so deliveries go first. */
const STORE_KINDS: readonly PurgeKind[] = ["delivered", "dead", "ignored", "expired", "waits", "approvals"];

/**
 * The retention rules over the store, in the order they must run (`retention` is the config's
 * periods in ms), then the rejected-request log (`retention.rejections`), then the audit chain
 * (`retention.audit`; 0 keeps it for ever), which leaves a checkpoint entry (its id and time from
 * `deps`) so the rest still verifies.
 */
export function purgeSteps(
  store: Store,
  retention: Readonly<Record<PurgeKind | "rejections" | "audit", number>>,
  deps: { ids: Pick<Ids, "newId">; clock: Pick<Clock, "now"> },
): PurgeStep[] {
  const steps: PurgeStep[] = STORE_KINDS.map((kind) => ({
    kind,
    keepMs: retention[kind],
    purgeBatch: (before, limit) => store.purgeBatch(kind, before, limit),
    count: (before) => store.countPurgeable(kind, before),
  }));
  steps.push({
    kind: "rejections",
    keepMs: retention.rejections,
    purgeBatch: (before, limit) => store.rejections.purgeRejectionsBefore(before, limit),
    count: (before) => store.rejections.countRejections(before),
  });
  if (retention.audit > 0) steps.push(auditPurgeStep(store.audit, retention.audit, deps));
  return steps;
}

export interface PurgeReport {
  kind: string;
  /** Rows that settled before this instant were (or would be) deleted. */
  before: number;
  /** How many were deleted, or would be on a dry run. */
  count: number;
  /** The batch budget ran out before a batch came back empty: rows may remain for the next run. */
  more: boolean;
}

export interface PurgeOptions {
  /** Most rows per statement. */
  batch: number;
  dryRun?: boolean;
  /** Most batches per step in this run (a Workers cron pass stays short); default: until done. */
  maxBatches?: number;
  /** Awaited between batches: other work (and other writers) get the database in between. */
  pause?: () => Promise<void>;
}

/**
 * Runs every step once: counts (dry run) or deletes batch by batch until a batch comes back short
 * or the budget is spent. Each batch is its own short transaction, so no lock is held for long.
 */
export async function runPurge(
  steps: readonly PurgeStep[],
  now: number,
  o: PurgeOptions,
): Promise<PurgeReport[]> {
  const reports: PurgeReport[] = [];
  for (const step of steps) {
    const before = now - step.keepMs;
    if (o.dryRun) {
      reports.push({ kind: step.kind, before, count: await step.count(before), more: false });
      continue;
    }
    let count = 0;
    let more = false;
    for (let batches = 0; ; batches++) {
      if (o.maxBatches !== undefined && batches >= o.maxBatches) {
        more = true;
        break;
      }
      const n = await step.purgeBatch(before, o.batch);
      count += n;
      if (n === 0) break;
      await o.pause?.();
    }
    reports.push({ kind: step.kind, before, count, more });
  }
  return reports;
}

export interface RetentionJobOptions {
  steps: readonly PurgeStep[];
  clock: Clock;
  logger: Logger;
  batch: number;
  intervalMs: number;
  /** First run this long after start (default: a minute, clear of start-up work). */
  firstRunMs?: number;
}

/**
 * The purge job on Node: a run every `intervalMs`, each batch a short transaction with a pause
 * between batches. A failed run (the store is down) is logged and the next one tries again.
 * On Workers the cron calls `runOnce` with a batch budget instead.
 */
export class RetentionJob {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private current: Promise<PurgeReport[]> | undefined;

  constructor(private readonly o: RetentionJobOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** One run over every step; deletes until done (or `maxBatches` per step). */
  runOnce(maxBatches?: number): Promise<PurgeReport[]> {
    this.current ??= this.purge(maxBatches).finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async purge(maxBatches: number | undefined): Promise<PurgeReport[]> {
    const started = this.o.clock.now();
    const signal = this.abort.signal;
    const reports = await runPurge(this.o.steps, started, {
      batch: this.o.batch,
      ...(maxBatches !== undefined ? { maxBatches } : {}),
      pause: async () => {
        if (signal.aborted) throw new Error("stopping");
        await this.o.clock.sleep(5, signal);
      },
    });
    const deleted = Object.fromEntries(reports.filter((r) => r.count > 0).map((r) => [r.kind, r.count]));
    const log = Object.keys(deleted).length > 0 ? this.o.logger.info : this.o.logger.debug;
    log("retention purge done", { deleted, ms: this.o.clock.now() - started });
    return reports;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    await this.o.clock.sleep(this.o.firstRunMs ?? 60_000, signal);
    while (!signal.aborted) {
      try {
        await this.runOnce();
      } catch (err) {
        if (signal.aborted) break;
        this.o.logger.warn("retention purge failed; the next run tries again", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      await this.o.clock.sleep(this.o.intervalMs, signal);
    }
  }
}
