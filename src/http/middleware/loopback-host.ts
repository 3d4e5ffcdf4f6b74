import { createMiddleware } from "hono/factory";
import { TaskgateError } from "../../core/errors.js";
import { hostOfHeader, isLoopbackHost } from "../../core/loopback.js";
import type { AppEnv } from "../env.js";

/**
 * Local mode serves the emulator, the API and a signed-in console on a loopback port. A web page
 * on another origin can point a DNS name at 127.0.0.1 (DNS rebinding) and reach it as "its own"
 * host: so local mode answers only Host names that mean this machine, else 421.
 */
export const loopbackHostOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("deps").loopbackHostsOnly) return next();
  const header = c.req.header("host");
  const host = header !== undefined ? hostOfHeader(header) : new URL(c.req.url).hostname;
  if (!isLoopbackHost(host)) {
    throw new TaskgateError(
      "misdirected_request",
      "local mode answers only loopback host names (localhost, *.localhost, 127.0.0.1, [::1])",
    );
  }
  return next();
});
