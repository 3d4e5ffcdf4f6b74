import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import { TaskgateError } from "../../core/errors.js";
import type { AppEnv } from "../env.js";

const tooLarge = (maxBytes: number): never => {
  throw new TaskgateError("payload_too_large", `the body exceeds ${maxBytes} bytes`);
};

/**
 * Refuses a body over `maxBytes(c)` with 413 `payload_too_large` before it is read whole. A
 * declared Content-Length is judged from the header alone, so the body stays unread and the
 * runtime reads it later the cheap way (on @hono/node-server, touching `c.req.raw.body`, as
 * Hono's own middleware does, would build a whole web `Request` per request). Only a body of
 * unknown length (chunked) is counted as it streams in, by Hono's middleware. Built once per
 * route: the limit is looked up per request, the counting middleware once per distinct limit.
 */
export function bodyLimit(maxBytes: (c: Context<AppEnv>) => number): MiddlewareHandler<AppEnv> {
  const counting = new Map<number, MiddlewareHandler>();
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const max = maxBytes(c);
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number.parseInt(length, 10) > max) tooLarge(max);
      return next();
    }
    let limit = counting.get(max);
    if (!limit) {
      limit = streamingBodyLimit({ maxSize: max, onError: () => tooLarge(max) });
      counting.set(max, limit);
    }
    return limit(c, next);
  };
}
