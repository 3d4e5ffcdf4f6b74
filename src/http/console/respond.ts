import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { PAGE_HEADERS } from "../pages/headers.js";
import type { ConsoleEnv } from "./guard.js";

/**
 * The console's CSP: like the approval pages, plus our own script file (progressive enhancement)
 * and frames from our own origin (the mail catcher's sandboxed message view). Nothing inline.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const CONSOLE_HEADERS: Record<string, string> = {
  ...PAGE_HEADERS,
  "Content-Security-Policy": CONSOLE_CSP,
};

/**
 * A caught mail's HTML part, framed by the console only: no script, no network (inline styles and
 * data: images are what mail HTML uses), sandboxed even when opened on its own.
 */
export const CAUGHT_MAIL_HEADERS: Record<string, string> = {
  ...PAGE_HEADERS,
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox",
  "X-Frame-Options": "SAMEORIGIN",
};

/** Renders a view (synchronous hono/jsx) as a full HTML response with the console's headers. */
export function html(c: Context<ConsoleEnv>, node: unknown, status: ContentfulStatusCode = 200): Response {
  const rendered: unknown = (node as { toString(): unknown }).toString();
  if (typeof rendered !== "string") throw new Error("console views must render synchronously");
  return c.body(`<!doctype html>${rendered}`, status, CONSOLE_HEADERS);
}

/** A path inside the console to go back to after an action; anything else falls back to /console. */
export function safeBack(value: unknown, fallback: string): string {
  if (typeof value !== "string") return fallback;
  return /^\/console(\/[A-Za-z0-9\-_/]*)?(\?[A-Za-z0-9=&%._-]*)?$/.test(value) ? value : fallback;
}
