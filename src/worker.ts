import type { ExecutionContext } from "hono";
import { SEAL_BATCH, sealAll, sealOnce } from "./services/audit-sealer.js";
import type { WorkerBindings } from "./workers/config.js";
import { configErrorResponse } from "./workers/fail-closed.js";
import { gatewayFor } from "./workers/gateway.js";

/**
 * The Cloudflare Workers composition root (wrangler.toml `main`): the same Hono app as on Node,
 * D1 for storage, and a cron instead of a long-lived forwarder loop. Adds no routes.
 *
 * - `fetch` serves the app; after each accepted callback the forward to CDF starts at once under
 *   `ctx.waitUntil`, on a delivery leased in the accept itself.
 * - `scheduled` (the cron) runs one forwarder pass: retries that came due, deliveries whose
 *   isolate died mid-forward (their lease ran out), the expiry of old waits, and a bounded share
 *   of retention (at most RETENTION_BATCHES_PER_CRON batches per kind; the next pass goes on);
 *   and seals the audit entries written since (each write also seals a batch after its response).
 *
 * The configuration is the `TASKGATE_CONFIG` variable; when it is wrong every request is answered
 * with the problems and the cron only logs them.
 */

/** What the cron passes (structural, so this file type-checks without the Workers types too). */
export interface CronEvent {
  readonly cron: string;
  readonly scheduledTime: number;
}

/** Per kind and cron pass: 20 batches of at most 90 rows (D1's parameter limit) keep a pass short. */
export const RETENTION_BATCHES_PER_CRON = 20;

const worker = {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    const gateway = gatewayFor(env);
    if (!gateway.ok) return configErrorResponse(gateway.problems);
    const response = await gateway.app.fetch(request, env, ctx);
    if (request.method !== "GET" && request.method !== "HEAD") {
      // Seal what this write added, after the response; the cron catches whatever this misses.
      ctx.waitUntil(sealOnce(gateway.audit, SEAL_BATCH).catch(() => undefined));
    }
    return response;
  },

  async scheduled(event: CronEvent, env: WorkerBindings, _ctx: ExecutionContext): Promise<void> {
    const gateway = gatewayFor(env);
    if (!gateway.ok) {
      gateway.logger.error("cron skipped: the configuration is invalid", {
        cron: event.cron,
        problems: gateway.problems.map((p) => p.path),
      });
      return;
    }
    const started = Date.now();
    try {
      const forwarded = await gateway.forwarder.runOnce();
      const mailed = (await gateway.mailOutbox?.runOnce()) ?? 0;
      const purged = (await gateway.retention.runOnce(RETENTION_BATCHES_PER_CRON)).reduce(
        (n, r) => n + r.count,
        0,
      );
      const sealed = await sealAll(gateway.audit, 20);
      const log = forwarded + mailed + purged + sealed > 0 ? gateway.logger.info : gateway.logger.debug;
      log("cron pass done", {
        cron: event.cron,
        forwarded,
        mailed,
        purged,
        sealed,
        ms: Date.now() - started,
      });
    } catch (err) {
      gateway.logger.error("cron pass failed; the next one retries", {
        cron: event.cron,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  },
};

export default worker;
