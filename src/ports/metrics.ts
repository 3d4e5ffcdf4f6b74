/** A value that only goes up. */
export interface Counter {
  inc(by?: number): void;
}

/** A value set to what was read. */
export interface Gauge {
  set(value: number): void;
}

/** Observations counted in buckets (seconds, for durations). */
export interface Histogram {
  observe(value: number): void;
}

/**
 * A family with labels: `labels(...)` gives the child for one set of values. Children are kept,
 * so a caller on a hot path may hold one instead of looking it up again.
 */
export interface Labelled<C, L extends readonly string[]> {
  labels(...values: L): C;
}

/**
 * What taskgate counts (DESIGN §7). Label values must come from a bounded set: route patterns
 * (never a raw path, which may hold a token), configured source names, error codes, states.
 */
export interface Metrics {
  readonly httpRequests: Labelled<Counter, [route: string, method: string, status: string]>;
  readonly httpDuration: Labelled<Histogram, [route: string]>;
  readonly webhooks: Labelled<Counter, [source: string, outcome: string]>;
  readonly rejections: Labelled<Counter, [source: string, code: string]>;
  /** Read from the store at scrape time. */
  readonly deliveries: Labelled<Gauge, [state: string]>;
  readonly deliveryOldestDueSeconds: Gauge;
  /** Pending deliveries as last counted for load shedding (`limits.maxBacklog`), capped at it. */
  readonly deliveryBacklog: Gauge;
  /** 1 when the store answered the last scrape's reads, 0 when it did not. */
  readonly storeUp: Gauge;
  readonly forwardAttempts: Labelled<Counter, [result: string]>;
  readonly forwardDuration: Histogram;
  /** CDF calls the forwarder may make at once (its call slots, fewer while CDF throttles). */
  readonly forwardSlots: Gauge;
  readonly cdfTokenRefreshes: Counter;
  readonly approvals: Labelled<Counter, [outcome: string]>;
  readonly mail: Labelled<Counter, [result: string]>;
  /** Every family in Prometheus' text format 0.0.4. */
  expose(): string;
}
