import { type BackoffPolicy, retryDelay } from "./backoff.js";
import type { CdfFailure } from "./cdf-error.js";
import type { UpdateStatus } from "./task-status.js";

/** How the forwarder spaces its attempts at one delivery (longer than one call's own retries). */
export type RetrySchedule = BackoffPolicy;

const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  maxRetryAfterMs: 10 * 60_000,
};

export type FailureDecision =
  | { kind: "retry"; at: number }
  | { kind: "reconcile" }
  | { kind: "dead"; reason: string };

export interface FailureContext {
  now: number;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  deliverUntil: number;
  /** True when the execution id is known, so the task's real state can be read back. */
  canReconcile: boolean;
  /**
   * An earlier attempt (or an earlier try within this one) ended without a clear answer: a lost
   * connection, a timeout, a 502/504, or a worker that died mid-attempt. CDF may hold our update.
   */
  earlierOutcomeUnknown?: boolean;
  random: () => number;
  schedule?: RetrySchedule;
}

/**
 * What to do after CDF refused or could not be reached. Transient failures (network, 429, 5xx,
 * and a 401 that survived one token refresh, since credentials get fixed) are retried with
 * full-jitter backoff that never undercuts `Retry-After`, until `deliverUntil`. A 4xx may mean the
 * task already has the status we want (a crash after CDF applied our update): reconcile when we
 * can read the execution, else dead-letter with CDF's message.
 */
export function decideAfterFailure(failure: CdfFailure, ctx: FailureContext): FailureDecision {
  const schedule = ctx.schedule ?? DEFAULT_RETRY_SCHEDULE;
  const transient = failure.retryable || failure.status === 401;
  if (transient) {
    const at = ctx.now + Math.ceil(retryDelay(ctx.attempt - 1, ctx.random, schedule, failure.retryAfterMs));
    if (at > ctx.deliverUntil)
      return { kind: "dead", reason: `gave up after ${ctx.attempt} attempts: ${failure.message}` };
    return { kind: "retry", at };
  }
  if (failure.status === 404) return { kind: "dead", reason: failure.message };
  if (ctx.canReconcile && failure.status !== undefined && failure.status >= 400 && failure.status < 500) {
    return { kind: "reconcile" };
  }
  if (ctx.earlierOutcomeUnknown) {
    return {
      kind: "dead",
      reason:
        `${failure.message} (an earlier attempt ended without an answer, so CDF may already have applied ` +
        "this very update; taskgate cannot check without the execution id: register waits with executionId)",
    };
  }
  return { kind: "dead", reason: failure.message };
}

/**
 * Whether a task already shows the outcome we were asked to send. After a FAILED update CDF may
 * retry the task under a new id, so the original entry reads FAILED; that counts.
 */
export function alreadyApplied(requested: UpdateStatus, actual: string): boolean {
  return requested === actual;
}
