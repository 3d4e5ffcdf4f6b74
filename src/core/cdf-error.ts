/**
 * Why a CDF call failed, in the terms the forwarder decides on.
 * - `network`: no HTTP response (refused, reset, dropped, timeout).
 * - `http`: CDF answered with a non-2xx status.
 */
export interface CdfFailure {
  kind: "network" | "http";
  /** HTTP status, when CDF answered. */
  status?: number;
  /** CDF's error message (or the network error's), safe to store and show. */
  message: string;
  /** CDF's `x-request-id`, when it answered. */
  requestId?: string;
  /** Milliseconds from a `Retry-After` header, when present. */
  retryAfterMs?: number;
  /** True for network errors, 429, 502, 503, 504. */
  retryable: boolean;
  /**
   * This try, or an earlier try of the same call, ended without a clear answer (connection lost,
   * timeout, 502, 504): CDF may have applied the request even though the call failed.
   */
  mayHaveApplied?: boolean;
  /** How many tries of this call CDF refused with 429, this one included (absent: none). */
  throttled?: number;
}

/** Thrown by the CDF client once its own retries are spent. */
export class CdfError extends Error {
  readonly failure: CdfFailure;
  constructor(failure: CdfFailure, options?: { cause?: unknown }) {
    super(
      failure.kind === "http"
        ? `CDF answered ${failure.status}: ${failure.message}`
        : `CDF unreachable: ${failure.message}`,
      options,
    );
    this.name = "CdfError";
    this.failure = failure;
  }
}

export function isCdfError(value: unknown): value is CdfError {
  return value instanceof CdfError;
}
