import { CallSlots } from "../core/call-slots.js";
import { type CdfFailure, isCdfError } from "../core/cdf-error.js";
import { alreadyApplied, decideAfterFailure, type RetrySchedule } from "../core/forwarding.js";
import type { CdfClient } from "../ports/cdf-client.js";
import type { Clock } from "../ports/clock.js";
import type { Dispatcher } from "../ports/dispatcher.js";
import type { Ids } from "../ports/ids.js";
import type { Logger } from "../ports/logger.js";
import type { Metrics } from "../ports/metrics.js";
import type { AttemptOutcome, AttemptRecord, DeliveryRecord, Store } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";
import type { LeaseGuard } from "./heartbeat.js";
import { parkedExpiredEntry } from "./parked-expiry.js";
import { waitExpiredEntry } from "./wait-expiry.js";
import { WorkLoop } from "./work-loop.js";

export interface ForwarderOptions {
  store: Store;
  cdf: CdfClient;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** Counts each attempt by result and times it; shows the call slots. */
  metrics?: Pick<Metrics, "forwardAttempts" | "forwardDuration" | "forwardSlots">;
  /**
   * At most this many CDF updates in flight from this process: the ceiling of its call slots,
   * halved while CDF answers 429 and regained one per round of calls that went through (CallSlots).
   */
  concurrency: number;
  leaseMs: number;
  /** How often to look for work nobody kicked us about (retries, other replicas' expired leases). */
  pollIntervalMs: number;
  /** How often to close expired waits. */
  sweepIntervalMs?: number;
  /** More to close on each sweep (expired approvals, which need the services to tell CDF). */
  onSweep?: (now: number) => Promise<unknown>;
  /** Called on every pass of the loop (cheap, self-limiting work: counting the backlog). */
  onPass?: (now: number) => Promise<unknown>;
  schedule?: RetrySchedule;
  /** This process among replicas: lease owners start with `<instanceId>/` (heartbeat takeover). */
  instanceId?: string;
  /** Says whether a lease is still ours before CDF is called (a paused replica taken over). */
  leases?: LeaseGuard;
}

/**
 * Accepted deliveries held in this process (queued or in flight) per CDF call slot. Past it, the
 * store holds them and the loop claims them: memory stays bounded, and a burst of accepts up to
 * this many per slot costs no claim at all.
 */
const HAND_OFF_PER_SLOT = 16;

/**
 * Moves accepted deliveries to CDF. Deliveries accepted by this process arrive through `submit`
 * already leased, so the happy path costs no claim and no polling delay; everything else (retries,
 * leases left behind by a crashed process) is claimed from the store with a lease.
 *
 * It is the Node `Dispatcher`: it leases a draft to itself when it has room (`prepare`), sends it
 * once stored (`dispatched`), and otherwise lets its loop claim it.
 */
export class Forwarder implements Dispatcher {
  private readonly loop: WorkLoop<DeliveryRecord>;
  private readonly workerId: string;
  private lastSweep = 0;
  /** One per call in flight: a stop that gives up waiting cuts them all (one listener, not one each). */
  private readonly cuts = new Set<AbortController>();
  /** How many CDF calls at once, by how CDF answers (fewer while it throttles). */
  private readonly slots: CallSlots;

  constructor(private readonly o: ForwarderOptions) {
    this.workerId = o.instanceId ?? `fwd-${o.ids.newId()}`;
    this.slots = new CallSlots(o.concurrency);
    o.metrics?.forwardSlots.set(this.slots.current);
    this.loop = new WorkLoop<DeliveryRecord>({
      name: "forwarder",
      clock: o.clock,
      logger: o.logger,
      concurrency: o.concurrency,
      slots: () => this.slots.current,
      pollIntervalMs: o.pollIntervalMs,
      claim: (limit) => o.store.claimDue(o.clock.now(), this.newLeaseOwner(), o.leaseMs, limit),
      nextDueAt: () => o.store.nextDueAt(),
      handle: (d, _signal, release) => this.forward(d, release),
      // A copy whose lease ran out while queued belongs to whoever claims it next.
      expired: (d, now) => d.leaseUntil !== null && now >= d.leaseUntil,
      onDrained: () => this.kick(),
      beforePass: (force) => this.sweep(force),
    });
    this.loop.signal.addEventListener(
      "abort",
      () => {
        for (const cut of this.cuts) cut.abort();
      },
      { once: true },
    );
  }

  /** This process's id among replicas: the prefix of every lease owner it writes. */
  get instanceId(): string {
    return this.workerId;
  }

  get leaseMs(): number {
    return this.o.leaseMs;
  }

  /** A fresh lease owner: fencing is per claim, so a stale copy of a delivery can never write. */
  newLeaseOwner(): string {
    return `${this.workerId}/${this.o.ids.newId()}`;
  }

  /**
   * Whether an accepted delivery may be handed straight to this process (bounded memory). Per
   * call slot that is open now: while CDF throttles, what this process could not send before its
   * lease ran out stays in the store for the loop to claim.
   */
  canTakeDirectly(): boolean {
    return this.loop.accepting && this.loop.held < this.slots.current * HAND_OFF_PER_SLOT;
  }

  /** Leases a draft to this process (fencing: a fresh owner per lease) before it is stored. */
  lease(delivery: DeliveryRecord, now: number): void {
    delivery.leaseOwner = this.newLeaseOwner();
    delivery.leaseUntil = now + this.o.leaseMs;
    delivery.claims = 1;
  }

  prepare(delivery: DeliveryRecord, now: number): void {
    if (this.canTakeDirectly()) this.lease(delivery, now);
  }

  dispatched(delivery: DeliveryRecord): void {
    if (delivery.leaseOwner?.startsWith(`${this.workerId}/`)) this.submit(delivery);
    else this.kick();
  }

  /** Hands over a delivery this process accepted and leased; it is sent as soon as a slot frees. */
  submit(delivery: DeliveryRecord): void {
    this.loop.submit(delivery);
  }

  /** Wakes the loop at once (e.g. after a replay). */
  kick(): void {
    this.loop.kick();
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, finishes what is in flight and queued, then resolves. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.loop.stop(graceMs);
  }

  /**
   * One pass for runtimes without a long-lived loop (a Workers cron): claim what is due, forward
   * it, close expired waits. Resolves when the pass is done; returns how many were forwarded.
   */
  runOnce(limit = this.o.concurrency * 4): Promise<number> {
    return this.loop.runOnce(limit);
  }

  private async sweep(force: boolean): Promise<void> {
    const every = this.o.sweepIntervalMs ?? 10_000;
    const now = this.o.clock.now();
    await this.o.onPass?.(now);
    if (!force && now - this.lastSweep < every) return;
    this.lastSweep = now;
    const expired = await this.o.store.expireWaits(now, (w) => waitExpiredEntry(this.o.ids, now, w));
    if (expired > 0) this.o.logger.info("closed expired waits", { count: expired });
    const unclaimed = await this.o.store.expireParked(now, (d) => parkedExpiredEntry(this.o.ids, now, d));
    if (unclaimed > 0) this.o.logger.info("parked webhooks expired without a wait", { count: unclaimed });
    await this.o.onSweep?.(now);
  }

  /**
   * One attempt at one delivery, recorded only while the lease is still ours. `release` frees
   * its call slot once CDF has answered, so the next call goes out while this one is recorded.
   */
  async forward(d: DeliveryRecord, release?: () => void): Promise<void> {
    const owner = d.leaseOwner;
    if (owner === null) throw new Error("forward() needs a leased delivery");
    const log = this.o.logger.child({ deliveryId: d.id, taskId: d.taskId });
    if (
      this.o.leases &&
      d.leaseUntil !== null &&
      !(await this.o.leases.confirm(d.leaseUntil - this.o.leaseMs))
    ) {
      log.warn("lease no longer trusted (this replica was silent too long); leaving the delivery to others");
      return;
    }
    const attemptNo = d.attempts + 1;
    const startedAt = this.o.clock.now();
    const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({
      deliveryId: d.id,
      attempt: attemptNo,
      startedAt,
      finishedAt: this.o.clock.now(),
      outcome: "delivered",
      httpStatus: null,
      requestId: null,
      error: null,
      ...over,
    });

    // A call never outlives its lease: past it, another worker may already be sending the same
    // update, so the call is cut while there is still time to record the attempt.
    const budget = (d.leaseUntil ?? startedAt) - startedAt - Math.min(5_000, this.o.leaseMs / 4);
    if (budget <= 0) {
      log.warn("lease too close to expiry to start a call; leaving the delivery to the next claim");
      return;
    }
    // One controller and one timer (AbortSignal.any/timeout are costly on Node and leave listeners).
    const cut = new AbortController();
    const timer = setTimeout(() => cut.abort(), budget);
    this.cuts.add(cut);
    if (this.loop.gaveUp) cut.abort();
    let outcome: AttemptOutcome;
    try {
      if (d.taskId === null) throw new Error("internal: a pending delivery without a task");
      const r = await this.o.cdf.updateTask(d.taskId, d.update, cut.signal);
      this.resize(r.throttled, startedAt);
      outcome = { kind: "delivered", attempt: attempt({ httpStatus: 200, requestId: r.requestId ?? null }) };
    } catch (err) {
      if (isCdfError(err) && err.failure.throttled) this.resize(err.failure.throttled, startedAt);
      outcome = await this.afterFailure(d, err, attemptNo, attempt, cut.signal);
    } finally {
      clearTimeout(timer);
      this.cuts.delete(cut);
    }
    release?.();

    const recordedAt = this.o.clock.now();
    const recorded = await this.o.store.recordAttempt(d.id, owner, recordedAt, outcome, [
      attemptEntry(this.o.ids, recordedAt, d, outcome, recordedAt - startedAt),
    ]);
    const metrics = this.o.metrics;
    if (metrics) {
      metrics.forwardAttempts.labels(outcome.kind).inc();
      metrics.forwardDuration.observe((outcome.attempt.finishedAt - startedAt) / 1000);
    }
    const fields = {
      outcome: outcome.kind,
      attempt: attemptNo,
      status: outcome.attempt.httpStatus,
      requestId: outcome.attempt.requestId,
      ms: this.o.clock.now() - startedAt,
      ...(outcome.kind === "retry" ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
      ...(outcome.attempt.error ? { error: outcome.attempt.error } : {}),
    };
    if (!recorded) log.warn("lease lost before the attempt was recorded; another worker owns it", fields);
    else if (outcome.kind === "dead") log.error("delivery dead-lettered", fields);
    else if (outcome.kind === "retry") log.warn("delivery will be retried", fields);
    else log.info("task updated in CDF", fields);
  }

  /**
   * Sizes the call slots by how CDF answered a call started at `startedAt`: any 429 on the way
   * (`throttled`) halves them, once per round; a call that went through without one counts
   * towards one more. Called for calls that went through, and for failed calls CDF throttled.
   */
  private resize(throttled: number | undefined, startedAt: number): void {
    const slots = this.slots;
    if (!throttled) {
      if (!slots.succeeded()) return;
      this.o.metrics?.forwardSlots.set(slots.current);
      if (slots.current === slots.ceiling)
        this.o.logger.info("CDF stopped throttling; back to every call slot", { slots: slots.current });
      return;
    }
    const before = slots.throttled(startedAt, this.o.clock.now());
    if (before === undefined) return;
    this.o.metrics?.forwardSlots.set(slots.current);
    this.o.logger.warn("CDF is throttling (429); fewer calls at once", { slots: slots.current, before });
  }

  private async afterFailure(
    d: DeliveryRecord,
    err: unknown,
    attemptNo: number,
    attempt: (over: Partial<AttemptRecord>) => AttemptRecord,
    signal: AbortSignal,
  ): Promise<AttemptOutcome> {
    const failure = isCdfError(err)
      ? err.failure
      : { kind: "network" as const, message: describe(err), retryable: true };
    const base = {
      httpStatus: failure.status ?? null,
      requestId: failure.requestId ?? null,
      error: failure.message,
    };
    const decision = decideAfterFailure(failure, {
      now: this.o.clock.now(),
      attempt: attemptNo,
      deliverUntil: d.deliverUntil,
      canReconcile: d.executionId !== null,
      earlierOutcomeUnknown: outcomeMayBeApplied(d, failure),
      random: this.o.ids.random,
      ...(this.o.schedule ? { schedule: this.o.schedule } : {}),
    });
    if (decision.kind === "retry") {
      return { kind: "retry", attempt: attempt({ ...base, outcome: "retry" }), nextAttemptAt: decision.at };
    }
    if (decision.kind === "dead")
      return { kind: "dead", attempt: attempt({ ...base, outcome: "dead", error: decision.reason }) };

    // Reconcile: did CDF already apply this very update (say, before a crash)?
    try {
      const { value } = await this.o.cdf.retrieveExecution(d.executionId!, signal);
      const task = value.executedTasks.find((t) => t.id === d.taskId);
      if (task && alreadyApplied(d.update.status, task.status)) {
        return { kind: "reconciled", attempt: attempt({ ...base, outcome: "reconciled" }) };
      }
      const state = task ? `the task is ${task.status}` : "the task is not in the execution";
      return {
        kind: "dead",
        attempt: attempt({ ...base, outcome: "dead", error: `${failure.message} (${state})` }),
      };
    } catch (readErr) {
      const readFailure = isCdfError(readErr) ? readErr.failure : undefined;
      if (readFailure?.retryable || !readFailure) {
        const again = decideAfterFailure(
          readFailure ?? { kind: "network", message: describe(readErr), retryable: true },
          {
            now: this.o.clock.now(),
            attempt: attemptNo,
            deliverUntil: d.deliverUntil,
            canReconcile: false,
            random: this.o.ids.random,
            ...(this.o.schedule ? { schedule: this.o.schedule } : {}),
          },
        );
        if (again.kind === "retry") {
          return { kind: "retry", attempt: attempt({ ...base, outcome: "retry" }), nextAttemptAt: again.at };
        }
      }
      return { kind: "dead", attempt: attempt({ ...base, outcome: "dead" }) };
    }
  }
}

/**
 * Whether CDF may already hold this update although no attempt saw it succeed: a worker leased
 * the delivery and never recorded an attempt (it died), the last attempt lost its answer, or a try
 * within this call did.
 */
function outcomeMayBeApplied(d: DeliveryRecord, failure: CdfFailure): boolean {
  const diedMidAttempt = d.claims - 1 > d.attempts;
  const lastUnanswered =
    d.attempts > 0 && (d.lastStatus === null || d.lastStatus === 502 || d.lastStatus === 504);
  return diedMidAttempt || lastUnanswered || failure.mayHaveApplied === true;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One attempt's entry: what CDF answered (status, x-request-id), how long it took, what follows. */
function attemptEntry(ids: Ids, at: number, d: DeliveryRecord, outcome: AttemptOutcome, durationMs: number) {
  const kind =
    outcome.kind === "dead"
      ? "delivery.dead"
      : outcome.kind === "retry"
        ? "delivery.attempt"
        : "delivery.delivered";
  return auditEntry(
    { ids },
    at,
    kind,
    "forwarder",
    { deliveryId: d.id, waitId: d.waitId },
    {
      attempt: outcome.attempt.attempt,
      outcome: outcome.kind,
      taskId: d.taskId,
      cdfStatus: outcome.attempt.httpStatus,
      cdfRequestId: outcome.attempt.requestId,
      durationMs,
      error: outcome.attempt.error ?? undefined,
      nextAttemptAt: outcome.kind === "retry" ? outcome.nextAttemptAt : undefined,
    },
  );
}
