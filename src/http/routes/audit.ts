import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { AuditQuerySchema } from "../audit-schemas.js";
import type { AppEnv } from "../env.js";
import { queryHook } from "./waits.js";

/**
 * GET /v1/audit: the audit entries of a wait, delivery or approval, newest first.
 * scope: audit:read (API key scopes arrive with h-rejections; until then any API caller).
 */
export const auditRoutes = new Hono<AppEnv>().get(
  "/",
  zValidator("query", AuditQuerySchema, queryHook),
  async (c) => {
    const q = c.req.valid("query");
    const page = await c.var.deps.store.audit.list(q);
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  },
);
