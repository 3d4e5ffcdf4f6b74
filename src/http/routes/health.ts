import { Hono } from "hono";
import type { AppEnv } from "../env.js";

/** Liveness says the process serves; readiness says the store answers. */
export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok", version: c.var.deps.version }))
  .get("/readyz", async (c) => {
    try {
      await c.var.deps.store.ping();
      return c.json({ status: "ready" });
    } catch {
      c.var.deps.logger.warn("readiness check failed: store unreachable");
      return c.json({ status: "unavailable", error: { code: "store_unavailable" } }, 503);
    }
  });
