import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { AuditQuerySchema } from "../audit-schemas.js";
import type { AppEnv } from "../env.js";
import { requireScope } from "../middleware/require-scope.js";
import { queryHook } from "./waits.js";

/**
 * GET /v1/audit: the audit entries of a wait, delivery or approval, newest first.
 * Needs the `audit:read` scope.
 */
export const auditRoutes = new Hono<AppEnv>().get(
  "/",
  requireScope("audit:read"),
  zValidator("query", AuditQuerySchema, queryHook),
  async (c) => {
    const q = c.req.valid("query");
    const page = await c.get("deps").store.audit.list(q);
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  },
);
