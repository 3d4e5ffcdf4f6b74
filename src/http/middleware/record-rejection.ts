import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { isTaskgateError } from "../../core/errors.js";
import type { RejectedRoute } from "../../ports/rejection-store.js";
import { userAgent } from "../client-meta.js";
import type { AppEnv } from "../env.js";

/** Header names kept per rejection, and their length: enough to tell a client apart, bounded. */
const MAX_HEADER_NAMES = 64;
const MAX_NAME_LENGTH = 64;

/**
 * Records each request on a public route (`/hooks/:source`, `/v1/callbacks/:token`) that was
 * refused before acceptance: any TaskgateError answered with a 4xx, and load shedding's 503
 * `overloaded`. It reads what the refusal
 * left behind and never changes the answer: the write is buffered by the rejection log, and a
 * failure to record is logged, not thrown. Kept: time, source, code, client IP, user agent,
 * header names, body size and SHA-256. Never kept: the body, header values (signatures), the
 * path (a callback's token).
 */
export function recordRejection(route: RejectedRoute) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const err = c.error;
    const recorder = c.get("deps").rejections;
    // A 5xx is the gateway's own trouble, except shedding: `overloaded` refuses the sender.
    if (!recorder || !isTaskgateError(err) || (err.status >= 500 && err.code !== "overloaded")) return;
    try {
      const body = await bodyFacts(c);
      void recorder.record({
        route,
        source: route === "hook" ? sourceOf(c.req.path) : null,
        code: err.code,
        status: err.status,
        clientIp: c.get("deps").clientAddress(c),
        userAgent: userAgent(c),
        headerNames: headerNames(c.req.raw.headers),
        ...body,
      });
    } catch (failure) {
      c.get("deps").logger.warn("rejected-request log: could not record a refusal", {
        code: err.code,
        error: failure instanceof Error ? failure.name : "error",
      });
    }
  });
}

/** The `:source` of /hooks/:source, as asked for (even an unknown one), bounded. */
function sourceOf(path: string): string | null {
  const raw = path.split("/")[2];
  if (!raw) return null;
  try {
    return decodeURIComponent(raw).slice(0, MAX_NAME_LENGTH);
  } catch {
    return raw.slice(0, MAX_NAME_LENGTH);
  }
}

function headerNames(headers: Headers): string[] {
  const names: string[] = [];
  for (const name of headers.keys()) {
    if (names.length >= MAX_HEADER_NAMES) break;
    names.push(name.slice(0, MAX_NAME_LENGTH));
  }
  return names;
}

/**
 * The body's size and hash when the route read it (Hono keeps what was read); otherwise the
 * announced Content-Length and no hash. A body refused unread (unknown source, too large, bad
 * token) is never read here either: a flood of large bodies costs no more than its refusal.
 */
async function bodyFacts(
  c: Context<AppEnv>,
): Promise<{ bodySize: number | null; bodySha256: string | null }> {
  const announced = Number(c.req.header("content-length"));
  const fallback = {
    bodySize: Number.isSafeInteger(announced) && announced >= 0 ? announced : null,
    bodySha256: null,
  };
  if (Object.keys(c.req.bodyCache).length === 0) return fallback;
  try {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return { bodySize: bytes.byteLength, bodySha256: await c.get("deps").sha256(bytes) };
  } catch {
    // The read itself was what failed (a body cut off by the size limit).
    return fallback;
  }
}
