/**
 * The one error type of taskgate. Every failure that reaches a caller carries a stable string
 * `code`; the HTTP layer maps the code to a status, so handlers never pick status numbers.
 */
export const ERROR_STATUS = {
  // 400
  malformed_body: 400,
  invalid_request: 400,
  mail_not_configured: 400,
  invalid_number: 400,
  too_deep: 400,
  reserved_output_key: 400,
  unsupported_media_type: 415,
  // 401 / 403
  unauthorized: 401,
  token_invalid: 401,
  token_expired: 401,
  signature_invalid: 401,
  timestamp_out_of_tolerance: 401,
  forbidden: 403,
  cross_site_refused: 403,
  insufficient_scope: 403,
  csrf_invalid: 403,
  // 421: a Host this server does not answer for (local mode, DNS rebinding)
  misdirected_request: 421,
  // 404
  not_found: 404,
  wait_not_found: 404,
  delivery_not_found: 404,
  approval_not_found: 404,
  unknown_source: 404,
  task_not_found: 404,
  mail_not_found: 404,
  // 409
  wait_conflict: 409,
  wait_closed: 409,
  delivery_not_replayable: 409,
  delivery_not_parked: 409,
  approval_closed: 409,
  already_decided: 409,
  task_not_in_progress: 409,
  task_already_waited: 409,
  // 410
  approval_expired: 410,
  // 413
  payload_too_large: 413,
  output_too_large: 413,
  // 422: the source's own mapping could not run on this payload within its budget
  mapping_failed: 422,
  // 429
  rate_limited: 429,
  // 5xx: never for bad input
  cdf_unavailable: 503,
  store_unavailable: 503,
  overloaded: 503,
  mail_failed: 502,
  internal: 500,
  // configuration (never answered over HTTP)
  config_invalid: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorOptions {
  /** Safe, structured detail for the caller (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class TaskgateError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TaskgateError";
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isTaskgateError(value: unknown): value is TaskgateError {
  return value instanceof TaskgateError;
}
