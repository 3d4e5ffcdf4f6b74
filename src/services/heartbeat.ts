import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { Store } from "../ports/store.js";

export interface HeartbeatOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** This process; its lease owners start with `<instanceId>/`. */
  instanceId: string;
  /** How often this process beats and looks for dead replicas. */
  intervalMs: number;
  /** A replica whose last beat is older than this is dead: its leases are taken over. */
  takeoverAfterMs: number;
  /** Called after leases were taken over, so the loops claim them now. */
  onTakeover?: () => void;
}

/** Tells whether a lease this process took at `leasedAt` may still be used to call CDF. */
export interface LeaseGuard {
  confirm(leasedAt: number): Promise<boolean>;
}

/**
 * Replicas sharing a PostgreSQL database beat every `intervalMs`; each beat also releases the
 * leases of replicas whose beat stopped for `takeoverAfterMs`, so a killed replica's deliveries
 * resume within seconds instead of after the whole lease.
 *
 * A paused (not dead) replica may have been taken over while it slept. Fencing in the store
 * already refuses its writes; as the guard it also stops it from calling CDF with a lease taken
 * before it was declared dead: when its last beat is older than is safe, it beats first and
 * learns whether its row was removed meanwhile.
 */
export class Heartbeat implements LeaseGuard {
  private lastBeatAt: number | undefined;
  /** Leases taken before this instant are not ours any more (we were declared dead). */
  private distrustBefore = Number.NEGATIVE_INFINITY;
  private beating: Promise<boolean> | undefined;
  private running = false;
  private readonly stopSleep = new AbortController();
  private loop: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly o: HeartbeatOptions) {}

  /** The first beat, before any lease is taken; rejects when the store cannot be reached. */
  async join(): Promise<void> {
    if (!(await this.beat())) throw new Error("heartbeat: the first beat failed");
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops beating and forgets this instance (its unfinished leases then wait for their expiry). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSleep.abort();
    await this.loop;
    await this.o.store.instances.leave(this.o.instanceId).catch(() => undefined);
  }

  async confirm(leasedAt: number): Promise<boolean> {
    // Others take us over only once our last beat is `takeoverAfterMs` old; one interval of
    // margin covers a beat in flight and a little clock skew between replicas.
    const safe = this.o.takeoverAfterMs - this.o.intervalMs;
    const fresh = () => this.lastBeatAt !== undefined && this.o.clock.now() - this.lastBeatAt < safe;
    if (!fresh()) await this.beat();
    return fresh() && leasedAt >= this.distrustBefore;
  }

  /** One beat and one takeover pass; false when the store could not be reached. */
  beat(): Promise<boolean> {
    this.beating ??= this.beatOnce().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async beatOnce(): Promise<boolean> {
    const startedAt = this.o.clock.now();
    try {
      const known = await this.o.store.instances.beat(this.o.instanceId, startedAt);
      if (!known && this.lastBeatAt !== undefined) {
        // Our row was removed: another replica declared us dead and released our leases.
        this.distrustBefore = startedAt;
        this.o.logger.warn("this instance was taken for dead and its leases were taken over", {
          instanceId: this.o.instanceId,
          silentForMs: startedAt - this.lastBeatAt,
        });
      }
      this.lastBeatAt = startedAt;
      const taken = await this.o.store.instances.takeOverStale(startedAt - this.o.takeoverAfterMs, startedAt);
      if (taken.instances > 0) {
        this.o.logger.info("took over the leases of stopped replicas", { ...taken });
        if (taken.deliveries + taken.mails > 0) this.o.onTakeover?.();
      }
      if (this.failing) this.o.logger.info("heartbeat resumed", { instanceId: this.o.instanceId });
      this.failing = false;
      return true;
    } catch (err) {
      if (!this.failing) {
        this.o.logger.warn("heartbeat failed; retrying", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      this.failing = true;
      return false;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.o.clock.sleep(this.o.intervalMs, this.stopSleep.signal);
      if (!this.running) break;
      await this.beat();
    }
  }
}
