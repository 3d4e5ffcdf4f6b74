import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorCode, isTaskgateError, type TaskgateError } from "../core/errors.js";
import type { AppEnv } from "./env.js";
import { routePattern } from "./middleware/observe.js";

/**
 * Stable codes for the statuses Hono's own middleware and validators answer with (body limit,
 * malformed JSON, …), so a client sees the same codes whichever layer refused the request.
 */
const FRAMEWORK_CODES: Partial<Record<number, ErrorCode>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** Said when Hono gave no message of its own (its body limit, say). */
const FRAMEWORK_MESSAGES: Partial<Record<ErrorCode, string>> = {
  invalid_request: "the request is invalid",
  unauthorized: "authentication is required",
  forbidden: "not allowed",
  not_found: "not found",
  payload_too_large: "the body is too large",
  unsupported_media_type: "the body's content type is not accepted",
};

/**
 * The one place errors become responses: `{"error": {code, message, requestId, details?}}`.
 * A TaskgateError maps its code to a status; a framework HTTPException keeps the status and
 * headers of Hono's own response (`getResponse()`) but answers in the envelope. Anything else is
 * logged (redacted) and answered with a generic 500 that says nothing about internals.
 */
export function onError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? "";
  const log = c.get("deps")?.logger;
  if (isTaskgateError(err)) {
    if (err.status >= 500) log?.error("request failed", { code: err.code, message: err.message, requestId });
    return envelope(c, err.status, err.code, err.message, requestId, err.details);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const framework = err.getResponse();
    const code = FRAMEWORK_CODES[framework.status] ?? "invalid_request";
    const message = err.message || FRAMEWORK_MESSAGES[code] || "bad request";
    const res = envelope(c, framework.status, code, message, requestId);
    framework.headers.forEach((value, name) => {
      if (name !== "content-type" && name !== "content-length") res.headers.set(name, value);
    });
    return res;
  }
  if (clientGone(c, err)) {
    // Not a fault of ours: the client hung up before its body was read or its answer sent.
    log?.info("client closed the connection before the answer", { requestId, route: routePattern(c) });
    c.set("errorCode", "client_closed");
    return new Response(null, { status: CLIENT_CLOSED_STATUS });
  }
  log?.error("unhandled error", {
    requestId,
    error: err.name,
    message: redactMessage(err.message),
    path: loggablePath(c.req.path),
    route: routePattern(c),
  });
  return envelope(c, 500, "internal", "internal error; the request id identifies it in the logs", requestId);
}

/** nginx's "client closed request": the access log and metrics see it; the client never does. */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * Whether the request failed because the client went away: Node's server aborts the request's
 * signal when the socket closes early, and a body read then fails with a reset or premature close.
 */
function clientGone(c: Context<AppEnv>, err: Error): boolean {
  if (c.req.raw.signal?.aborted) return true;
  const code = (err as { code?: unknown }).code;
  return (
    err.name === "AbortError" ||
    code === "ECONNRESET" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    (err.name === "TypeError" && /terminated|aborted/i.test(err.message)) ||
    err.message === "aborted" ||
    err.message === "Client connection prematurely closed."
  );
}

/** A refusal answered in the envelope without passing through onError's logging (readiness). */
export function errorResponse(c: Context<AppEnv>, err: TaskgateError): Response {
  return envelope(c, err.status, err.code, err.message, c.get("requestId") ?? "", err.details);
}

/** Link tokens are bearer credentials: a logged path keeps the route, never the token. */
export function loggablePath(path: string): string {
  return path.replace(/^\/(a|v1\/callbacks|console\/login)\/[^/]+/, "/$1/<token>");
}

/**
 * An unexpected error's message comes from code we do not control (a driver, a library) and may
 * carry what it was given: URL credentials, bearer tokens and JWTs are cut out before logging.
 */
export function redactMessage(message: string): string {
  return message
    .replace(/(\/\/)[^/@\s:]*:[^/@\s]*@/g, "$1<credentials>@")
    .replace(/\b(bearer|basic)\s+\S+/gi, "$1 <redacted>")
    .replace(/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, "<jwt>")
    .slice(0, 500);
}

/** How long a client should wait before retrying a refusal that is about this side, not its request. */
const RETRY_AFTER_SECONDS: Partial<Record<string, string>> = { store_unavailable: "2" };

function envelope(
  c: Context<AppEnv>,
  status: number,
  code: string,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
): Response {
  c.set("errorCode", code);
  const asked = details?.retryAfterSeconds;
  const retryAfter = typeof asked === "number" ? String(asked) : RETRY_AFTER_SECONDS[code];
  return c.json(
    { error: { code, message, requestId, ...(details ? { details } : {}) } },
    status as ContentfulStatusCode,
    retryAfter ? { "retry-after": retryAfter } : undefined,
  );
}
