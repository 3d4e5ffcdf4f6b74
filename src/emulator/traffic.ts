import type { Context, MiddlewareHandler } from "hono";
import { basePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  type CdfErrorBody,
  EmulatorConnectionDropped,
  reasonFor,
  tooManyRequestsMessage,
} from "./cdf-errors.js";
import type { EmulatorEnv, EmulatorState } from "./context.js";
import type { Fault } from "./faults.js";
import { formBodyForLog, jsonBodyForLog } from "./request-log.js";

const API_PREFIX = /^\/api\/v1\/projects\/[^/]+/;
export const TOKEN_PATH = "/oauth2/token";

/**
 * Runs first on every request: gives it an `x-request-id`, reads the body once, and for CDF API
 * and token calls logs the request and applies the first matching fault.
 */
export function traffic(state: EmulatorState): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const requestId = crypto.randomUUID();
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    const base = basePath(c).replace(/\/+$/, "");
    c.set("base", base);
    const path = c.req.path.slice(base.length) || "/";
    const bodyText = c.req.method === "GET" || c.req.method === "HEAD" ? "" : await c.req.text();
    c.set("bodyText", bodyText);

    const kind = path === TOKEN_PATH ? "token" : path.startsWith("/api/") ? "api" : "other";
    if (kind === "other") {
      await next();
      c.header("x-request-id", requestId);
      return;
    }

    const entry = state.log.begin({
      time: state.clock.now(),
      method: c.req.method,
      path,
      requestId,
      body: kind === "token" ? formBodyForLog(bodyText) : jsonBodyForLog(bodyText),
    });
    const limit = state.config.maxConcurrentRequests;
    if (kind === "api" && limit > 0 && state.inFlight >= limit) {
      entry.status = 429;
      return overConcurrency(c, limit);
    }
    if (kind === "api") state.inFlight++;
    try {
      const fault = state.faults.take(c.req.method, kind === "api" ? path.replace(API_PREFIX, "") : path);
      if (fault) {
        entry.fault = fault.id;
        const answer = await applyFault(state, c, fault);
        if (answer) {
          entry.status = answer.status;
          return answer;
        }
      }
      await next();
    } finally {
      if (kind === "api") state.inFlight--;
    }
    c.header("x-request-id", requestId);
    entry.status = c.res.status;
  };
}

/** CDF's answer to one request more than the project's concurrent requests. */
function overConcurrency(c: Context<EmulatorEnv>, limit: number): Response {
  const body: CdfErrorBody = { error: { code: 429, message: tooManyRequestsMessage(limit) } };
  return c.json(body, 429);
}

/** Delays, drops or answers as the fault says; `undefined` means "go on to the real handler". */
async function applyFault(
  state: EmulatorState,
  c: Context<EmulatorEnv>,
  fault: Fault,
): Promise<Response | undefined> {
  if (fault.latencyMs) await state.clock.sleep(fault.latencyMs);
  if (fault.drop) {
    state.dropConnection?.(c);
    throw new EmulatorConnectionDropped();
  }
  if (fault.status === undefined) return undefined;
  if (fault.retryAfter !== undefined) c.header("retry-after", String(fault.retryAfter));
  const body: CdfErrorBody = {
    error: { code: fault.status, message: fault.message ?? reasonFor(fault.status) },
  };
  return c.json(body, fault.status as ContentfulStatusCode);
}
