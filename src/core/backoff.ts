/** How a CDF call spaces its retries. Defaults follow the Python SDK (full jitter, 60 s cap). */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is capped, so one bad header cannot stall a caller for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 60_000,
};

/** The statuses CDF (and the Python SDK) treat as transient for task updates. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * Full-jitter exponential backoff ("Exponential Backoff and Jitter", AWS): a uniform delay in
 * [0, min(max, base * 2^retry)), so many clients throttled at once do not retry in lockstep.
 * `retry` is 0 for the first retry.
 */
export function fullJitterDelay(
  retry: number,
  random: () => number,
  policy: Pick<BackoffPolicy, "baseDelayMs" | "maxDelayMs">,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry));
  return random() * ceiling;
}

/**
 * The delay before retry number `retry` (0-based): full jitter, but never shorter than the
 * server's `Retry-After` (itself capped by `maxRetryAfterMs`), because retrying earlier than a
 * throttling server asked only earns another 429.
 */
export function retryDelay(
  retry: number,
  random: () => number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
): number {
  const jitter = fullJitterDelay(retry, random, policy);
  if (retryAfterMs === undefined || !(retryAfterMs > 0)) return jitter;
  return Math.max(jitter, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}
