/**
 * What an API caller may do (DESIGN.md §4). `admin` is everything, and the console. A key
 * configured without scopes keeps the behaviour it had before scopes existed: everything but
 * `admin`.
 */
export const SCOPES = [
  "waits",
  "approvals",
  "deliveries:read",
  "deliveries:replay",
  "audit:read",
  "admin",
] as const;

export type Scope = (typeof SCOPES)[number];

/** The scopes of a key configured without `scopes` (and, by default, of an OIDC caller). */
export const DEFAULT_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== "admin");

/** Whether `held` grants `needed`: `admin` grants every scope. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.includes(needed) || held.includes("admin");
}

/** Keeps the known scope names of a claim (a list, or a space-separated string like OAuth's `scp`). */
export function scopesFromClaim(claim: unknown): Scope[] {
  const values = Array.isArray(claim) ? claim : typeof claim === "string" ? claim.split(" ") : [];
  const known = new Set<string>(SCOPES);
  return [...new Set(values.filter((v): v is Scope => typeof v === "string" && known.has(v)))];
}
