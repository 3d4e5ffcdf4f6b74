import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorCode, isTaskgateError } from "../core/errors.js";
import type { AppEnv } from "./env.js";

/**
 * The one place errors become responses: `{"error": {code, message, requestId, details?}}`.
 * Anything that is not a TaskgateError is logged and answered with a generic 500 that says
 * nothing about internals.
 */
export function onError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? "";
  if (isTaskgateError(err)) {
    const log = c.var.deps?.logger;
    if (err.status >= 500) log?.error("request failed", { code: err.code, message: err.message, requestId });
    return envelope(c, err.status, err.code, err.message, requestId, err.details);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code: ErrorCode =
      err.status === 413 ? "payload_too_large" : err.status === 404 ? "not_found" : "invalid_request";
    return envelope(c, err.status, code, err.message || "bad request", requestId);
  }
  c.var.deps?.logger.error("unhandled error", {
    requestId,
    error: err.name,
    message: err.message,
    path: loggablePath(c.req.path),
  });
  return envelope(c, 500, "internal", "internal error; the request id identifies it in the logs", requestId);
}

/** Link tokens are bearer credentials: a logged path keeps the route, never the token. */
export function loggablePath(path: string): string {
  return path.replace(/^\/(a|v1\/callbacks)\/[^/]+/, "/$1/<token>");
}

function envelope(
  c: Context<AppEnv>,
  status: number,
  code: string,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
): Response {
  return c.json(
    { error: { code, message, requestId, ...(details ? { details } : {}) } },
    status as ContentfulStatusCode,
  );
}
