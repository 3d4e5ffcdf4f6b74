import { Hono } from "hono";
import { TaskgateError } from "../../core/errors.js";
import { PROMETHEUS_CONTENT_TYPE } from "../../core/metrics/exposition.js";
import { scrapeMetrics } from "../../services/metrics-scrape.js";
import type { AppEnv } from "../env.js";

/**
 * GET /metrics: Prometheus text 0.0.4. Behind `Authorization: Bearer <metrics.token>` when the
 * config sets one (compared in constant time); open otherwise. On Workers the counters are those
 * of the isolate that answers; the store's gauges are the same everywhere.
 */
export const metricsRoutes = new Hono<AppEnv>().get("/metrics", async (c) => {
  const deps = c.get("deps");
  if (deps.metricsToken) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (!match || !(await deps.metricsToken.matches(match[1]!))) {
      c.header("www-authenticate", 'Bearer realm="taskgate metrics"');
      throw new TaskgateError("unauthorized", "send Authorization: Bearer <metrics.token>");
    }
  }
  return c.body(await scrapeMetrics(deps), 200, {
    "content-type": PROMETHEUS_CONTENT_TYPE,
    "cache-control": "no-store",
  });
});
