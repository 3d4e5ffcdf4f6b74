import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import type * as z from "zod";
import type { RejectionRecord } from "../../ports/rejection-store.js";
import type { AppEnv } from "../env.js";
import { requireScope } from "../middleware/require-scope.js";
import { RejectionQuerySchema } from "../schemas.js";
import type { RejectionViewSchema } from "../view-schemas.js";
import { queryHook } from "./waits.js";

/** The API's view of a rejection: the stored record, field for field (it holds nothing secret). */
export function rejectionView(r: RejectionRecord): z.infer<typeof RejectionViewSchema> {
  return {
    id: r.id,
    at: r.at,
    route: r.route,
    source: r.source,
    code: r.code,
    status: r.status,
    clientIp: r.clientIp,
    userAgent: r.userAgent,
    headerNames: r.headerNames,
    bodySize: r.bodySize,
    bodySha256: r.bodySha256,
  };
}

/**
 * Requests refused before acceptance, newest first. The scope is `deliveries:read`: whoever reads
 * what was accepted may read what was refused (client addresses included); `admin` grants it too.
 */
export const rejectionRoutes = new Hono<AppEnv>().get(
  "/",
  requireScope("deliveries:read"),
  zValidator("query", RejectionQuerySchema, queryHook),
  async (c) => {
    const page = await c.get("deps").store.rejections.listRejections(c.req.valid("query"));
    return c.json({ items: page.items.map(rejectionView), nextCursor: page.nextCursor });
  },
);
