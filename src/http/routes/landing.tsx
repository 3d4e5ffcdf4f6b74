/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { Hono } from "hono";
import { CONSOLE_HEADERS } from "../console/respond.js";
import type { AppEnv } from "../env.js";
import { LandingView } from "../pages/landing-view.js";

/** Said everywhere but local mode: alive, and nothing else (no version, no config). */
export const STATUS_LINE = "taskgate ok\n";

/**
 * GET /: in local mode (the emulator is mounted) a page linking the console (with a fresh one-time
 * sign-in link), the mail catcher, the reference, the emulator and the metrics; elsewhere a bare
 * status line that reveals nothing.
 */
export const landingRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const { deps } = c.var;
  if (!deps.emulator) {
    return c.text(STATUS_LINE, 200, { "cache-control": "no-store", "x-content-type-options": "nosniff" });
  }
  const signIn = deps.console?.signIn;
  const page = <LandingView data={{ signInPath: signIn ? await signIn.issue() : undefined }} />;
  return c.body(`<!doctype html>${page}`, 200, CONSOLE_HEADERS);
});
