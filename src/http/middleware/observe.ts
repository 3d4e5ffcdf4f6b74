import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env.js";

/** The label of a request no route matched (a 404): its raw path may hold a token. */
export const UNMATCHED_ROUTE = "unmatched";
const HOOK_ROUTE = "/hooks/:source";
const CALLBACK_ROUTE = "/v1/callbacks/:token";
const HOOK_PREFIX = "/hooks/".length;

/** Methods a label may name; anything else is "other" (a label must come from a bounded set). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const STATUS_TEXT: string[] = [];
const statusText = (status: number): string => (STATUS_TEXT[status] ??= String(status));

/**
 * Counts and times every request by its route PATTERN, and writes the access log line. The raw
 * path is never used: a callback, approval or sign-in URL carries a bearer token in it.
 *
 * Accept routes name their outcome (`c.set("outcome", …)`) and onError names a refusal's code
 * (`errorCode`); requests to /hooks and /v1/callbacks refused before acceptance are counted by
 * source and code.
 */
export const observe = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const ms = performance.now() - started;
  const { metrics, logger, accessLog } = c.get("deps");
  const route = routePattern(c);
  const method = METHODS.has(c.req.method) ? c.req.method : "other";
  const status = c.res.status;
  metrics.httpRequests.labels(route, method, statusText(status)).inc();
  metrics.httpDuration.labels(route).observe(ms / 1000);

  const outcome = c.get("outcome");
  const code = status >= 400 ? (c.get("errorCode") ?? statusText(status)) : undefined;
  let source: string | undefined;
  if (route === HOOK_ROUTE) {
    source = hookSource(c);
    if (outcome) metrics.webhooks.labels(source, outcome).inc();
    else if (code) metrics.rejections.labels(source, code).inc();
  } else if (route === CALLBACK_ROUTE && code) {
    metrics.rejections.labels("callback", code).inc();
  }

  if (!accessLog) return;
  logger.info("request", {
    requestId: c.get("requestId"),
    method,
    route,
    status,
    ms: Math.round(ms * 10) / 10,
    ...(source !== undefined ? { source } : {}),
    ...(outcome !== undefined ? { outcome } : {}),
    ...(code !== undefined ? { code } : {}),
  });
});

/**
 * The pattern of the handler that matched (`/v1/callbacks/:token`): the last matched route that
 * is not a middleware (`use` registers for every method). A 404 has none.
 */
export function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method !== "ALL") return r.path;
  }
  return UNMATCHED_ROUTE;
}

/** A configured source's name, or "unknown": a name nobody configured is not a label value. */
function hookSource(c: Context<AppEnv>): string {
  let name: string;
  try {
    name = decodeURIComponent(c.req.path.slice(HOOK_PREFIX));
  } catch {
    return "unknown";
  }
  return c.get("deps").sources?.has(name) ? name : "unknown";
}
