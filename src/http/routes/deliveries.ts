import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { TaskgateError } from "../../core/errors.js";
import { auditEntry } from "../../services/audit-entries.js";
import { replayMatching } from "../../services/operator-actions.js";
import type { AppEnv } from "../env.js";
import { jsonBody } from "../middleware/json-body.js";
import { requireScope } from "../middleware/require-scope.js";
import { BulkReplaySchema, DeliveryQuerySchema } from "../schemas.js";
import { deliveryView } from "../views.js";
import { apiActor, queryHook } from "./waits.js";

export const deliveryRoutes = new Hono<AppEnv>()
  .get(
    "/",
    requireScope("deliveries:read"),
    zValidator("query", DeliveryQuerySchema, queryHook),
    async (c) => {
      const page = await c.get("deps").store.listDeliveries(c.req.valid("query"));
      return c.json({ items: page.items.map((d) => deliveryView(d)), nextCursor: page.nextCursor });
    },
  )
  .post("/replay", requireScope("deliveries:replay"), jsonBody(BulkReplaySchema), async (c) => {
    const { filter, dryRun } = c.req.valid("json");
    const result = await replayMatching(c.get("deps"), c.get("principal").name, filter, dryRun);
    return c.json(result, dryRun ? 200 : 202);
  })
  .get("/:id", requireScope("deliveries:read"), async (c) => {
    const { store } = c.get("deps");
    const delivery = await store.getDelivery(c.req.param("id"));
    if (!delivery) throw new TaskgateError("delivery_not_found", "no delivery with this id");
    return c.json(deliveryView(delivery, await store.listAttempts(delivery.id)));
  })
  .post("/:id/replay", requireScope("deliveries:replay"), async (c) => {
    const { store, clock, minRetryWindowMs, dispatcher, logger } = c.get("deps");
    const now = clock.now();
    const id = c.req.param("id");
    const entry = auditEntry(
      c.get("deps"),
      now,
      "operator.action",
      apiActor(c),
      { deliveryId: id },
      { action: "replay" },
    );
    const replayed = await store.replayDelivery(id, now, now + minRetryWindowMs, [entry]);
    if (replayed === undefined) throw new TaskgateError("delivery_not_found", "no delivery with this id");
    if (replayed === false) {
      throw new TaskgateError("delivery_not_replayable", "only dead or delivered deliveries can be replayed");
    }
    logger.info("delivery queued again", { deliveryId: replayed.id, by: c.get("principal").name });
    dispatcher.kick();
    return c.json(deliveryView(replayed), 202);
  });
