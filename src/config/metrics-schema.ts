import * as z from "zod";
import { hint } from "./hints.js";
import { envRef } from "./interpolate.js";

/**
 * GET /metrics. With `token` set, a scraper sends `Authorization: Bearer <token>`; without it the
 * endpoint is open (it holds counts, route patterns, source names and error codes, never a secret),
 * and a server outside local mode says so at start-up.
 */
export const MetricsSchema = z.strictObject({
  token: hint(z.string().min(16).optional(), {
    example: `"${envRef("TASKGATE_METRICS_TOKEN")}"`,
    fix: 'use a random token of at least 16 characters, e.g. from "openssl rand -hex 24"',
  }),
});
