import { Hono } from "hono";
import { TaskgateError } from "../../core/errors.js";
import { receiveHook } from "../../services/hooks.js";
import { userAgent } from "../client-meta.js";
import type { AppEnv } from "../env.js";
import { bodyLimit } from "../middleware/body-limit.js";

/** Signed webhooks from configured sources: verified on the raw bytes, never re-serialised. */
export const hookRoutes = new Hono<AppEnv>().post(
  "/:source",
  async (c, next) => {
    // An unknown source learns nothing else, and its body is never read.
    if (!c.get("deps").sources?.has(c.req.param("source"))) {
      throw new TaskgateError("unknown_source", "no source by this name is configured");
    }
    await next();
  },
  bodyLimit((c) => c.get("deps").bodyLimitBytes),
  async (c) => {
    const deps = c.get("deps");
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    const incoming = new URL(c.req.url);
    const result = await receiveHook(deps, c.req.param("source"), {
      method: c.req.method,
      // Providers that sign the URL (Twilio) signed the public one, not the socket's.
      url: `${deps.publicUrl}${incoming.pathname}${incoming.search}`,
      headers: c.req.raw.headers,
      rawBody,
      query: Object.fromEntries(incoming.searchParams),
      origin: { ip: deps.clientAddress(c), userAgent: userAgent(c) },
    });
    c.set("outcome", result.outcome);
    if (result.outcome === "handshake") {
      const { status, headers, body } = result.handshake;
      return new Response(body, { status, headers });
    }
    return c.json(result, result.outcome === "duplicate" ? 200 : 202);
  },
);
