import type { Logger } from "../ports/logger.js";
import type { Store } from "../ports/store.js";

export interface BacklogMeterOptions {
  store: Pick<Store, "countPending">;
  logger: Logger;
  /** Counts at most this many pending deliveries (the shedding threshold); 0: never counts. */
  cap: number;
  /** Counts at most this often. */
  intervalMs: number;
  /** Receives each count (the public limits and the metric). */
  onCount: (pending: number) => void;
}

/**
 * Load shedding on the backlog (DESIGN §6) without a query per request: the forwarder's loop asks
 * for a fresh count on each pass and this counts pending deliveries at most every `intervalMs`,
 * one count at a time, up to the cap. A count that fails keeps the last one (a store that is down
 * refuses accepts with 503 `store_unavailable` anyway) and never fails the loop.
 */
export class BacklogMeter {
  private lastAt = Number.NEGATIVE_INFINITY;
  private counting: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly o: BacklogMeterOptions) {}

  refresh(now: number): Promise<void> {
    if (this.o.cap <= 0 || this.counting || now - this.lastAt < this.o.intervalMs) {
      return this.counting ?? Promise.resolve();
    }
    this.lastAt = now;
    this.counting = this.o.store
      .countPending(this.o.cap)
      .then(
        (pending) => {
          this.failing = false;
          this.o.onCount(pending);
        },
        (err: unknown) => {
          if (!this.failing) {
            this.o.logger.warn("could not count the backlog; keeping the last count", {
              error: err instanceof Error ? err.message : String(err),
            });
          }
          this.failing = true;
        },
      )
      .finally(() => {
        this.counting = undefined;
      });
    return this.counting;
  }
}
