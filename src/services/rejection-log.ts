import type { Clock } from "../ports/clock.js";
import type { Ids } from "../ports/ids.js";
import type { Logger } from "../ports/logger.js";
import type { RejectionRecord, RejectionStore } from "../ports/rejection-store.js";

/** A rejection as the HTTP layer saw it; the log adds its id and time. */
export type RejectionEntry = Omit<RejectionRecord, "id" | "at">;

export interface RejectionLogOptions {
  /** Keep the newest this many rows (`rejections.maxRows`). */
  maxRows: number;
  /** Flush at least this often while rows wait (ms). */
  flushIntervalMs?: number;
  /** Flush at once when this many rows wait; also the most rows one flush writes. */
  batchSize?: number;
  /** Rows waiting beyond this are dropped (and counted) until a flush makes room. */
  maxBuffered?: number;
}

/** What the log did since it started, for metrics and the bench. */
export interface RejectionLogStats {
  recorded: number;
  written: number;
  /** Dropped because the buffer was full (a flood faster than the store). */
  dropped: number;
  /** Lost because a write failed (the store was down). */
  failed: number;
  trimmed: number;
}

/** The one call the HTTP layer makes; `undefined` when the log is disabled. */
export interface RejectionRecorder {
  /** Buffers the rejection; the promise settles when it was written (or given up). Never rejects. */
  record(entry: RejectionEntry): Promise<void>;
}

/**
 * The rejected-request log's writer. A flood of bad requests must not cost more than the
 * requests: rows are buffered and written as a few multi-row inserts (every `flushIntervalMs`
 * or `batchSize` rows), the buffer is bounded (what does not fit is counted and dropped), and the
 * table is trimmed to the newest `maxRows` by the writer, every tenth of `maxRows` written.
 *
 * On Node one instance serves the process, flushed by its timer and on shutdown (`close`). On
 * Workers one instance serves the isolate, and each request hands `record`'s promise to its
 * `waitUntil`, so the isolate lives until its batch is written.
 */
export class RejectionLog implements RejectionRecorder {
  private buffer: RejectionRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private scheduled: Promise<void> | undefined;
  private waiting: (() => void) | undefined;
  private writing: Promise<void> = Promise.resolve();
  private sinceTrim = 0;
  private closed = false;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly trimEvery: number;
  readonly stats: RejectionLogStats = { recorded: 0, written: 0, dropped: 0, failed: 0, trimmed: 0 };

  constructor(
    private readonly deps: { store: RejectionStore; clock: Clock; ids: Ids; logger: Logger },
    private readonly options: RejectionLogOptions,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.batchSize = options.batchSize ?? 200;
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.trimEvery = Math.max(this.batchSize, Math.ceil(options.maxRows / 10));
  }

  record(entry: RejectionEntry): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.buffer.length >= this.maxBuffered) {
      this.stats.dropped++;
      return Promise.resolve();
    }
    this.buffer.push({ ...entry, id: this.deps.ids.newId(), at: this.deps.clock.now() });
    this.stats.recorded++;
    if (this.buffer.length >= this.batchSize) return this.flush();
    return this.schedule();
  }

  /** Writes everything buffered now, in batches; resolves when it is written. Never rejects. */
  flush(): Promise<void> {
    // Whoever waited for the timer is served by this flush instead.
    const waiting = this.waiting;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = undefined;
    this.waiting = undefined;
    const run = this.writing.then(() => this.writeAll());
    this.writing = run;
    if (waiting) void run.then(waiting);
    return run;
  }

  /** Stops taking rows and writes what is buffered (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): Promise<void> {
    if (this.scheduled) return this.scheduled;
    this.scheduled = new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
    this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
    // A buffered row never keeps a Node process alive; close() flushes it.
    (this.timer as { unref?: () => void }).unref?.();
    return this.scheduled;
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        await this.deps.store.insertRejections(batch);
        this.stats.written += batch.length;
        this.sinceTrim += batch.length;
      } catch (err) {
        this.stats.failed += batch.length;
        this.deps.logger.warn("rejected-request log: a batch could not be written; it is dropped", {
          rows: batch.length,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    if (this.sinceTrim >= this.trimEvery) {
      this.sinceTrim = 0;
      try {
        this.stats.trimmed += await this.deps.store.trimRejections(this.options.maxRows);
      } catch (err) {
        this.deps.logger.warn("rejected-request log: trimming failed; the next batch retries", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }
}
