import { Hono } from "hono";
import { acceptCallback } from "../../services/callbacks.js";
import type { AppEnv } from "../env.js";
import { readJson } from "../middleware/json-body.js";
import { CallbackBodySchema } from "../schemas.js";

/** The wait's callback URL: public, protected by its signed token. */
export const callbackRoutes = new Hono<AppEnv>().post("/:token", async (c) => {
  // The token is checked before the body is parsed, so a forged URL learns nothing about the schema.
  const token = c.req.param("token");
  await c.var.deps.tokens.verify(token, "callback", c.var.deps.clock.now());
  const body = await readJson(c, CallbackBodySchema, { emptyAsObject: true });
  const result = await acceptCallback(c.var.deps, token, body);
  return c.json(result, result.outcome === "queued" ? 202 : 200);
});
