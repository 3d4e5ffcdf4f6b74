import { Hono } from "hono";
import { acceptCallback, callbackWaitId } from "../../services/callbacks.js";
import { userAgent } from "../client-meta.js";
import type { AppEnv } from "../env.js";
import { readJson } from "../middleware/json-body.js";
import { CallbackBodySchema } from "../schemas.js";

/** The wait's callback URL: public, protected by its signed token. */
export const callbackRoutes = new Hono<AppEnv>().post("/:token", async (c) => {
  // The token is checked before the body is parsed, so a forged URL learns nothing about the schema.
  const waitId = await callbackWaitId(c.get("deps"), c.req.param("token"));
  const body = await readJson(c, CallbackBodySchema, { emptyAsObject: true });
  const result = await acceptCallback(c.get("deps"), waitId, body, {
    actor: "callback",
    origin: { ip: c.get("deps").clientAddress(c), userAgent: userAgent(c) },
  });
  c.set("outcome", result.outcome);
  return c.json(result, result.outcome === "queued" ? 202 : 200);
});
