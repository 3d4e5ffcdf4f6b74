import { createMiddleware } from "hono/factory";
import { TaskgateError } from "../../core/errors.js";
import type { AppEnv } from "../env.js";

/** `Authorization: Bearer <API key or OIDC JWT>` on every /v1 management route. */
export const apiAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    c.header("www-authenticate", 'Bearer realm="taskgate"');
    throw new TaskgateError("unauthorized", "send Authorization: Bearer <API key or OIDC token>");
  }
  try {
    c.set("principal", await c.get("deps").authenticate(match[1]!));
  } catch (err) {
    c.header("www-authenticate", 'Bearer realm="taskgate", error="invalid_token"');
    throw err;
  }
  await next();
});
