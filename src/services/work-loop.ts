import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";

/** How long a stop that gave up waits for the handlers it cut short to settle. */
const SETTLE_MS = 1_000;

/** Why the loop's rest was cut short: a kick, a freed slot or a stop (never thrown). */
const WOKEN = "woken";

export interface WorkLoopOptions<T> {
  /** Names the loop in its logs ("forwarder", "mail outbox"). */
  name: string;
  clock: Clock;
  logger: Logger;
  /** At most this many items handled at the same time. */
  concurrency: number;
  /**
   * How many may be handled at once right now, at most `concurrency` (the forwarder's call slots
   * shrink while CDF throttles); default `concurrency`. Read before each item starts.
   */
  slots?(): number;
  /** At most this many items claimed and held at once (queued + in flight); default `concurrency`. */
  window?: number;
  /** How often to look for work nobody kicked us about (retries, other replicas' expired leases). */
  pollIntervalMs: number;
  /** Claims up to `limit` due items with a lease. */
  claim(limit: number): Promise<T[]>;
  /** When the next item comes due (undefined: nothing waits). */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Handles one claimed item; `signal` aborts when a stop's grace runs out. `release` gives the
   * item's slot to the next one before this one finishes (the forwarder, once CDF has answered,
   * while the attempt is recorded): slots bound the calls out, not the bookkeeping after them.
   */
  handle(item: T, signal: AbortSignal, release: () => void): Promise<void>;
  /** Whether a queued item's lease ran out before its turn: it then belongs to the next claim. */
  expired?(item: T, now: number): boolean;
  /** Asks for more work when the queue ran dry after an item; default: wake the loop at once. */
  onDrained?(): void;
  /** Runs before each pass (housekeeping); `force` on a one-shot pass. */
  beforePass?(force: boolean): Promise<void>;
  /** The longest pause after passes that keep failing (store down); default 30 s. */
  maxBackoffMs?: number;
}

/**
 * How long a loop rests after `failures` passes in a row failed: the poll interval, doubling with
 * each further failure, capped, so a store that is down is asked less and less often.
 */
export function failureBackoffMs(failures: number, pollIntervalMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, pollIntervalMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * The claim → handle loop the forwarder and the mail outbox share: claims due items with a
 * lease, handles them with bounded concurrency, and sleeps until the next one is due, the poll
 * interval, a kick, or a freed slot. Items can also be handed in already leased (`submit`).
 * Where nothing runs for long (a Workers cron), `runOnce` does one pass instead.
 */
export class WorkLoop<T> {
  private readonly queue: T[] = [];
  private readonly inflight = new Set<Promise<void>>();
  /** Items in flight that still hold their slot (not yet released or finished). */
  private busy = 0;
  private readonly window: number;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A kick arrived while the loop was busy (claiming): the next idle returns at once. */
  private kicked = false;
  private readonly abort = new AbortController();
  private stopped = false;
  /** Passes in a row that failed (the store is down, say); 0 once one succeeds. */
  private failures = 0;

  constructor(private readonly o: WorkLoopOptions<T>) {
    this.window = o.window ?? o.concurrency;
  }

  /** Aborted when a stop gives up waiting: handlers cut their calls short. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /**
   * The stop is over (drained or out of grace): nothing new starts. Handlers read this rather than
   * `signal.aborted`: on Workers the signal belongs to the request that built the loop, and reading
   * its state from another request is refused ("Cannot perform I/O on behalf of a different request").
   */
  get gaveUp(): boolean {
    return this.stopped;
  }

  /** Items queued or in flight in this process. */
  get held(): number {
    return this.queue.length + this.inflight.size;
  }

  /** Whether the loop runs and is not stopping: only then may items be handed to it. */
  get accepting(): boolean {
    return this.running && !this.stopping;
  }

  /** Hands over an item this process already leased; it is handled as soon as a slot frees. */
  submit(item: T): void {
    this.queue.push(item);
    this.pump();
  }

  /**
   * Wakes the loop at once (e.g. after a replay). Kicks coalesce: any number of them before the
   * loop looks again make one pass, and a kick while it is busy is never lost.
   */
  kick(): void {
    this.kicked = true;
    // With no room (every slot and the window taken) a pass could claim nothing: the kick waits
    // for the queue to run dry (`onDrained`), instead of a pass, a timer and a wake-up per kick,
    // which under load was per accepted request.
    if (this.free() > 0) this.wake?.();
  }

  /** Items that may be in flight now: `slots()`, within [1, concurrency]. */
  private slots(): number {
    const slots = this.o.slots?.() ?? this.o.concurrency;
    return Math.max(1, Math.min(this.o.concurrency, slots));
  }

  /**
   * How many more items the window takes (claimed or handed in). The window shrinks with the
   * slots: items claimed for slots that are gone would only wait in the queue while their leases
   * run out.
   */
  private free(): number {
    const window = Math.max(1, Math.floor((this.window * this.slots()) / this.o.concurrency));
    return window - this.inflight.size - this.queue.length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.loop = this.run();
  }

  /**
   * Stops claiming, finishes what is in flight and queued, then resolves. Returns false when the
   * loop was not running, and logs what was left when the grace ran out.
   */
  async stop(graceMs = 10_000): Promise<boolean> {
    if (!this.running) return false;
    this.stopping = true;
    this.kick();
    const drained = (async () => {
      await this.loop;
      while (this.queue.length > 0 || this.inflight.size > 0) {
        this.pump();
        await Promise.race(this.inflight);
      }
    })();
    const timer = this.o.clock.sleep(graceMs, this.abort.signal).then(() => "timeout" as const);
    const result = await Promise.race([drained.then(() => "drained" as const), timer]);
    this.stopped = true;
    this.abort.abort();
    this.running = false;
    if (result === "timeout") {
      // Nothing new starts once the stop gave up: queued items wait for their leases to run out.
      const queued = this.queue.length;
      this.queue.length = 0;
      // The handlers in flight were just cut short: a moment for them to record what happened
      // before the caller closes the store (which would fail their records).
      await Promise.race([Promise.allSettled(this.inflight), this.o.clock.sleep(SETTLE_MS)]);
      this.o.logger.warn(
        `${this.o.name} stopped with work in flight; leases will expire and it will be resumed`,
        { inflight: this.inflight.size, queued },
      );
    }
    return true;
  }

  /**
   * One pass for runtimes without a long-lived loop (a Workers cron): claim what is due and
   * handle it, up to `limit` items. Resolves when the pass is done; returns how many it handled.
   */
  async runOnce(limit: number): Promise<number> {
    await this.o.beforePass?.(true);
    let done = 0;
    while (done < limit) {
      const batch = await this.o.claim(Math.min(this.window, limit - done));
      if (batch.length === 0) break;
      for (let i = 0; i < batch.length; ) {
        const n = this.slots();
        await Promise.all(batch.slice(i, i + n).map((item) => this.o.handle(item, this.signal, () => {})));
        i += n;
      }
      done += batch.length;
    }
    return done;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.o.beforePass?.(false);
        const free = this.free();
        const claimed = free > 0 ? await this.o.claim(free) : [];
        for (const item of claimed) this.queue.push(item);
        this.pump();
        this.recovered();
        if (claimed.length > 0 && claimed.length === free) continue;
        await this.idle(free > 0);
      } catch (err) {
        await this.backOff(err);
      }
    }
  }

  /** Rests longer after each failed pass in a row; only a stop cuts the rest short (not a kick). */
  private async backOff(err: unknown): Promise<void> {
    this.failures++;
    const pauseMs = failureBackoffMs(this.failures, this.o.pollIntervalMs, this.o.maxBackoffMs ?? 30_000);
    const fields = { error: describe(err), failures: this.failures, retryInMs: pauseMs };
    // The first failure is news; the ones after it, while the cause lasts, are not.
    if (this.failures === 1) this.o.logger.error(`${this.o.name} loop failed; retrying`, fields);
    else this.o.logger.warn(`${this.o.name} loop still failing; backing off`, fields);
    await this.o.clock.sleep(pauseMs, this.abort.signal);
    this.kicked = false;
  }

  private recovered(): void {
    if (this.failures === 0) return;
    this.o.logger.info(`${this.o.name} loop resumed`, { failures: this.failures });
    this.failures = 0;
  }

  /**
   * Sleeps until the next due item, the poll interval, a kick, or a freed slot. With no room
   * (every slot taken by handed-in or claimed items) it does not ask the store when the next item
   * is due: it could not claim it anyway, and asking every 50 ms while a backlog waits cost a
   * query per wake-up. The queue running dry kicks it (`onDrained`).
   */
  private async idle(hasRoom = true): Promise<void> {
    if (this.consumeKick()) return;
    const next = hasRoom ? await this.o.nextDueAt().catch(() => undefined) : undefined;
    if (this.stopping) return;
    const now = this.o.clock.now();
    const poll = this.o.pollIntervalMs;
    const wait = Math.max(0, Math.min(poll, next === undefined ? Infinity : next - now));
    if (this.consumeKick()) return;
    const controller = new AbortController();
    // A reason of our own: abort() without one builds a DOMException (and its stack) per wake-up,
    // which is per accepted callback under load.
    const stopWaiting = () => controller.abort(WOKEN);
    this.wake = stopWaiting;
    this.abort.signal.addEventListener("abort", stopWaiting, { once: true });
    await this.o.clock.sleep(wait === 0 ? Math.min(50, poll) : wait, controller.signal);
    this.abort.signal.removeEventListener("abort", stopWaiting);
    this.wake = undefined;
    this.kicked = false;
  }

  /** Whether a kick came since the loop last looked (and forgets it: it is being served). */
  private consumeKick(): boolean {
    const kicked = this.kicked;
    this.kicked = false;
    return kicked;
  }

  private pump(): void {
    if (this.stopped) return;
    while (this.busy < this.slots() && this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (this.o.expired?.(item, this.o.clock.now())) continue;
      this.busy++;
      let holds = true;
      const release = (): boolean => {
        if (!holds) return false;
        holds = false;
        this.busy--;
        return true;
      };
      const task: Promise<void> = this.o
        .handle(item, this.signal, () => {
          if (release()) this.pump();
        })
        .catch((err: unknown) => {
          // The lease runs out and the item is claimed again: log it, do not stop the loop.
          this.o.logger.error(`${this.o.name} could not finish an item; it is retried after its lease`, {
            error: describe(err),
          });
        })
        .finally(() => {
          this.inflight.delete(task);
          release();
          this.pump();
          // Only an empty queue needs the store: under load the queue refills from submits, and
          // a claim per finished item would cost more than the item itself.
          if (this.queue.length === 0) (this.o.onDrained ?? (() => this.kick()))();
        });
      this.inflight.add(task);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
