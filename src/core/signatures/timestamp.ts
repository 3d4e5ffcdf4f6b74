import { outOfTolerance } from "./failures.js";

/**
 * Unix seconds as a provider writes them: ASCII digits only (no sign, no fraction, no spaces),
 * at most 12 of them. `undefined` for anything else, so `parseInt`'s leniency ("12abc") is gone.
 */
export function parseUnixSeconds(raw: string): number | undefined {
  return /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

/** Unix milliseconds, digits only, at most 15 of them. */
export function parseUnixMillis(raw: string): number | undefined {
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** An RFC 3339 / ISO 8601 UTC or offset timestamp such as `2021-07-25T10:00:00Z` (Zendesk). */
export function parseIsoTimestamp(raw: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Refuses a signed time more than `toleranceMs` away from `now`, in either direction. The edge is
 * inclusive: a request exactly `toleranceMs` old (or ahead) passes, one millisecond more fails —
 * the same rule as the Standard Webhooks and Stripe libraries (`now - ts > tolerance` fails).
 * Verifiers call this after the signature has verified, so `timestamp_out_of_tolerance` is only
 * ever said of an authentic request (a replay or a skewed clock), which helps operators and tells
 * a forger nothing.
 */
export function checkTolerance(scheme: string, timestampMs: number, now: number, toleranceMs: number): void {
  const age = now - timestampMs;
  if (age > toleranceMs) {
    throw outOfTolerance(
      scheme,
      "stale",
      `the signed timestamp is ${Math.round(age / 1000)} s old; at most ${toleranceMs / 1000} s is accepted (a replay, or a clock out of sync)`,
    );
  }
  if (-age > toleranceMs) {
    throw outOfTolerance(
      scheme,
      "future",
      `the signed timestamp is ${Math.round(-age / 1000)} s in the future; at most ${toleranceMs / 1000} s is accepted (a clock out of sync)`,
    );
  }
}
