import type { Context } from "hono";
import type { GetConnInfo } from "hono/conninfo";

/** Where a request came from, as far as this runtime knows; `null` when it cannot say. */
export type ClientAddress = (c: Context) => string | null;

/**
 * The client address for the decision's audit record, from the runtime's own connection info
 * (Hono's `getConnInfo`: the socket on Node, `CF-Connecting-IP` on Workers, which the platform
 * sets). `X-Forwarded-For` is a header any client can write, so its first hop is believed only
 * when the operator says a proxy in front sets it (`server.trustProxy`). Recorded for people to
 * read, never used to authorise anything.
 */
export function clientAddressFrom(
  getConnInfo: GetConnInfo,
  options: { trustProxy?: boolean } = {},
): ClientAddress {
  return (c) => {
    if (options.trustProxy) {
      const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
      if (forwarded) return forwarded.slice(0, 64);
    }
    try {
      return getConnInfo(c).remote.address?.slice(0, 64) || null;
    } catch {
      // No connection to ask (a request handed to app.fetch in-process, say).
      return null;
    }
  };
}

export function userAgent(c: Context): string | null {
  return c.req.header("user-agent")?.slice(0, 512) ?? null;
}
