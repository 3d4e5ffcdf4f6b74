import type { ErrorCode } from "../../core/errors.js";

/**
 * One line per error code for the reference: what it means and what to do. A code without a line
 * is still documented (by its status and name); the line is what makes it useful.
 */
export const ERROR_MEANINGS: Partial<Record<ErrorCode, string>> = {
  malformed_body: "the body is not valid JSON (or, for webhooks, not form-encoded either)",
  invalid_request: "the body or query fails its schema; `details.problems` names each path and why",
  mail_not_configured: "`notify` is true but no mail is configured: hand out the links yourself",
  unsupported_media_type: "send the body as `application/json`",
  unauthorized: "no, or an unknown, `Authorization: Bearer` credential",
  token_invalid: "the signed token in the URL is forged, tampered with, or for something else",
  token_expired: "the signed token in the URL has expired",
  signature_invalid: "the webhook's signature does not verify with any of the source's secrets",
  timestamp_out_of_tolerance:
    "the webhook's signed timestamp is too old or in the future (replay protection)",
  forbidden: "the credential is valid but lacks a required claim",
  not_found: "no such route",
  wait_not_found: "no wait with this id (or the callback URL's wait no longer exists)",
  delivery_not_found: "no delivery with this id",
  approval_not_found: "no approval with this id",
  unknown_source: "no webhook source with this name is configured",
  task_not_found: "CDF does not know the execution, or it has no task with that external id",
  task_not_in_progress: "the task is not IN_PROGRESS (per CDF, or per an update taskgate already delivered)",
  task_already_waited: "the task already has an open wait or approval; send `allowMultiple: true` if meant",
  wait_conflict: "an open wait already exists for this source and correlation key",
  wait_closed: "the wait is no longer open (a different result closed it, or it was cancelled or expired)",
  delivery_not_replayable: "only dead or delivered deliveries can be replayed",
  approval_closed: "the approval already has its outcome",
  payload_too_large: "the body exceeds the configured limit (default 256 KB)",
  output_too_large: "the task output would exceed CDF's 100 KB limit; it is refused, never truncated",
  cdf_unavailable: "CDF did not answer as needed; retry later",
  store_unavailable: "the store does not answer; retry after `Retry-After`",
  internal: "an unexpected error; the request id finds it in the logs",
};
