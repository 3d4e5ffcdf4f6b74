import { TaskgateError } from "../errors.js";

/**
 * Why a request was refused, as a stable token in `details.reason` for logs, metrics and tests.
 * The message says what to look at; neither ever contains a secret or an expected signature.
 */
export type RejectReason =
  | "missing_header"
  | "malformed_header"
  | "wrong_algorithm"
  | "malformed_timestamp"
  | "mismatch"
  | "body_hash_mismatch"
  | "claim_invalid"
  | "key_not_found"
  | "unverifiable";

export type ToleranceReason = "stale" | "future";

/** A 401 `signature_invalid`; `scheme` is the registry name of the scheme that refused. */
export function reject(
  scheme: string,
  reason: RejectReason,
  message: string,
  cause?: unknown,
): TaskgateError {
  return new TaskgateError("signature_invalid", message, { details: { scheme, reason }, cause });
}

/** A 401 `timestamp_out_of_tolerance`: authentic perhaps, but too old (a replay?) or from the future. */
export function outOfTolerance(scheme: string, reason: ToleranceReason, message: string): TaskgateError {
  return new TaskgateError("timestamp_out_of_tolerance", message, { details: { scheme, reason } });
}

/** A misconfigured source found at first use (the schema normally catches these at start-up). */
export function misconfigured(scheme: string, message: string, cause?: unknown): TaskgateError {
  return new TaskgateError("config_invalid", `${scheme}: ${message}`, { details: { scheme }, cause });
}
