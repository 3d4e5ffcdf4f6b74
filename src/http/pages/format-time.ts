/**
 * Times as the pages show them: always UTC (the server does not know the reader's zone) and
 * computed from the `now` the route passes in, so a page renders the same way in every test.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2026-11-28 19:40 UTC". */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "an unknown time";
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** Machine-readable form for `<time datetime>`; undefined when the time is not a valid date. */
export function isoTime(ms: number): string | undefined {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * "3 h 12 min", "2 d 5 h", "7 min": two units at most, rounded down so the page never promises
 * more time than is left.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < MINUTE) return "less than a minute";
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** "Expires in 3 h 12 min (2026-11-28 19:40 UTC)", or "Expired (…)" once the time has passed. */
export function formatTimeLeft(now: number, expiresAt: number): string {
  const left = expiresAt - now;
  if (!(left > 0)) return `Expired (${formatUtc(expiresAt)})`;
  return `Expires in ${formatDuration(left)} (${formatUtc(expiresAt)})`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/**
 * "in 23 hours", "in 3 days", "in 40 minutes": one unit, rounded down, for a mail read some time
 * after it was sent (the UTC time stands beside it). "already passed" once the time is over.
 */
export function formatRelative(now: number, at: number): string {
  const left = at - now;
  if (!Number.isFinite(left)) return "at an unknown time";
  if (left <= 0) return "already passed";
  if (left < MINUTE) return "in less than a minute";
  if (left >= 2 * DAY) return `in ${plural(Math.floor(left / DAY), "day")}`;
  if (left >= HOUR) return `in ${plural(Math.floor(left / HOUR), "hour")}`;
  return `in ${plural(Math.floor(left / MINUTE), "minute")}`;
}
