import { Hono } from "hono";
import { TaskgateError } from "../../core/errors.js";
import type { AppEnv } from "../env.js";
import { errorResponse } from "../on-error.js";

/**
 * Liveness says the process serves; readiness says the store answers. A failed probe is answered
 * in the API's error envelope, and logged as a warning: an orchestrator polls it.
 */
export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok", version: c.get("deps").version }))
  .get("/readyz", async (c) => {
    try {
      await c.get("deps").store.ping();
    } catch {
      c.get("deps").logger.warn("readiness check failed: store unreachable");
      return errorResponse(c, new TaskgateError("store_unavailable", "not ready: the store does not answer"));
    }
    return c.json({ status: "ready" });
  });
