import type { Context } from "hono";

/**
 * Where a request came from, for the decision's audit record. Behind Cloudflare the edge says
 * (`cf-connecting-ip`); behind another proxy the first `x-forwarded-for` hop; on Node without a
 * proxy the socket. Recorded for people to read, never used to authorise anything.
 */
export function clientIp(c: Context): string | null {
  const cf = c.req.header("cf-connecting-ip");
  if (cf) return cf.slice(0, 64);
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded.slice(0, 64);
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}

export function userAgent(c: Context): string | null {
  return c.req.header("user-agent")?.slice(0, 512) ?? null;
}
