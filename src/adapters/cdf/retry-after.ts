const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Milliseconds to wait according to a `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or
 * an HTTP date, measured from `nowMs` (the injected clock, not the wall clock). A date in the
 * past gives 0; a missing or unreadable header gives undefined, so callers fall back to backoff.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  // delta-seconds; fractions are not in the RFC but cost nothing to accept.
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  // Only something that looks like a date goes to Date.parse, which is lenient with bare numbers.
  if (!/[A-Za-z]{3}/.test(v)) return undefined;
  // asctime carries no zone; HTTP dates are always GMT, while Date.parse would assume local time.
  const at = Date.parse(ASCTIME.test(v) ? `${v} GMT` : v);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - nowMs);
}
