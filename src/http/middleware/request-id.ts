import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.js";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every response carries `x-request-id`. A caller's own id is kept when it is short and plain, so
 * a Cognite Function can follow its request through taskgate's logs; otherwise a new one is made.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && SAFE_ID.test(incoming) ? incoming : c.get("deps").ids.newId();
  c.set("requestId", id);
  c.header("x-request-id", id);
  await next();
  // Responses built with c.json/c.body carry it already. One made otherwise (an error page, a
  // Response built elsewhere) gets it here, on its own headers: c.header() on a finished response
  // copies it into a new one, which also makes @hono/node-server build the full web Response.
  if (c.res.headers.get("x-request-id") === id) return;
  try {
    c.res.headers.set("x-request-id", id);
  } catch {
    c.header("x-request-id", id); // immutable headers (a fetched Response): copy it after all
  }
});
