import { createMiddleware } from "hono/factory";
import { TaskgateError } from "../../core/errors.js";
import { TokenBuckets } from "../../core/token-bucket.js";
import type { AppEnv } from "../env.js";

export interface LimitsSettings {
  perIp: number;
  perSource: number;
  burst: number;
  maxInFlight: number;
  /** Pending deliveries past which accepts answer 503 `overloaded`; 0 or unset: no cap. */
  maxBacklog?: number;
}

/** What a sender is told to wait when the backlog is full: it drains in CDF calls, not instantly. */
export const BACKLOG_RETRY_AFTER_SECONDS = 10;

/**
 * The public endpoints' limits in this process (Workers: this isolate): token buckets per client
 * address and per webhook source, and a count of accepts in flight for load shedding.
 */
export class PublicLimits {
  readonly perIp: TokenBuckets;
  readonly perSource: TokenBuckets;
  inFlight = 0;
  /** Pending deliveries as last counted (by the forwarder's BacklogMeter), not per request. */
  backlog = 0;

  constructor(readonly settings: LimitsSettings) {
    this.perIp = new TokenBuckets({ ratePerSecond: settings.perIp, burst: settings.burst });
    this.perSource = new TokenBuckets({ ratePerSecond: settings.perSource, burst: settings.burst });
  }
}

function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Before a public POST is read: 429 `rate_limited` when its address or source is over its rate,
 * 503 `overloaded` when this process already handles `maxInFlight` accepts or the last count of
 * pending deliveries reached `maxBacklog`; all with Retry-After. Refused requests cost no body read and no store call, so a flood cannot grow memory.
 */
export const publicLimits = createMiddleware<AppEnv>(async (c, next) => {
  const { limits, clock, clientAddress } = c.get("deps");
  if (!limits || c.req.method !== "POST") return next();
  const now = clock.now();
  const byIp = limits.perIp.take(clientAddress(c) ?? "unknown", now);
  if (!byIp.ok) {
    throw new TaskgateError("rate_limited", "too many requests from this address; slow down", {
      details: { retryAfterSeconds: retryAfterSeconds(byIp.retryAfterMs) },
    });
  }
  const source = /^\/hooks\/([^/]+)/.exec(c.req.path)?.[1];
  if (source !== undefined) {
    const bySource = limits.perSource.take(source, now);
    if (!bySource.ok) {
      throw new TaskgateError("rate_limited", "too many requests for this source; slow down", {
        details: { retryAfterSeconds: retryAfterSeconds(bySource.retryAfterMs) },
      });
    }
  }
  const maxBacklog = limits.settings.maxBacklog ?? 0;
  if (maxBacklog > 0 && limits.backlog >= maxBacklog) {
    throw new TaskgateError("overloaded", "too many deliveries are waiting for CDF; try again later", {
      details: { retryAfterSeconds: BACKLOG_RETRY_AFTER_SECONDS },
    });
  }
  const cap = limits.settings.maxInFlight;
  if (cap > 0 && limits.inFlight >= cap) {
    throw new TaskgateError("overloaded", "the gateway is at capacity; try again shortly", {
      details: { retryAfterSeconds: 2 },
    });
  }
  limits.inFlight++;
  try {
    await next();
  } finally {
    limits.inFlight--;
  }
});
