import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.js";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every response carries `x-request-id`. A caller's own id is kept when it is short and plain, so
 * a Cognite Function can follow its request through taskgate's logs; otherwise a new one is made.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && SAFE_ID.test(incoming) ? incoming : c.var.deps.ids.newId();
  c.set("requestId", id);
  c.header("x-request-id", id);
  await next();
  c.header("x-request-id", id);
});
