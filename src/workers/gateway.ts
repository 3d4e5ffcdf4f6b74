import type { ExecutionContext, Hono } from "hono";
import { getConnInfo } from "hono/cloudflare-workers";
import { jsonLogger, type LogLevel } from "../adapters/runtime/json-logger.js";
import { systemClock } from "../adapters/runtime/system-clock.js";
import { openD1Store } from "../adapters/sql/d1.js";
import { composeDeps } from "../compose-deps.js";
import type { ConfigProblem } from "../config/parse.js";
import type { TaskgateConfig } from "../config/schema.js";
import { sha256Hex } from "../core/canonical-json.js";
import { createApp } from "../http/app.js";
import type { AppDeps, AppEnv } from "../http/env.js";
import type { AuditStore } from "../ports/audit-store.js";
import type { Logger } from "../ports/logger.js";
import type { Forwarder } from "../services/forwarder.js";
import type { MailOutbox } from "../services/mail-outbox.js";
import type { RetentionJob } from "../services/retention.js";
import { VERSION } from "../version.js";
import { type WorkerBindings, workerConfig } from "./config.js";
import { waitUntilDispatcher } from "./dispatcher.js";
import { logConfigProblems } from "./fail-closed.js";

export interface RunningGateway {
  ok: true;
  app: Hono<AppEnv>;
  forwarder: Forwarder;
  /** Present when approvals.mail is configured (the HTTP mail API; SMTP is Node-only). */
  mailOutbox: MailOutbox | undefined;
  /** Retention: each cron pass deletes a bounded number of batches (see worker.ts). */
  retention: RetentionJob;
  logger: Logger;
  config: TaskgateConfig;
  /** The audit log, sealed by the cron and after writes (`waitUntil`). */
  audit: AuditStore;
}

/** A worker whose configuration is wrong: it serves nothing but the problems. */
export interface RefusingGateway {
  ok: false;
  problems: ConfigProblem[];
  logger: Logger;
}

export type WorkerGateway = RunningGateway | RefusingGateway;

const built = new WeakMap<object, WorkerGateway>();

/**
 * The gateway for this isolate, built on first use and kept: workerd hands the same `env` to
 * every invocation of an isolate (and a new object when bindings change), so keying by its
 * identity builds the store, CDF client and compiled config once instead of per request.
 */
export function gatewayFor(env: WorkerBindings): WorkerGateway {
  let gateway = built.get(env);
  if (!gateway) {
    gateway = buildGateway(env);
    built.set(env, gateway);
  }
  return gateway;
}

/** Mirrors the Node composition root (node.ts), with D1 and no long-lived forwarder loop. */
export function buildGateway(env: WorkerBindings): WorkerGateway {
  const clock = systemClock;
  const resolved = workerConfig(env);
  const level: LogLevel = resolved.ok ? resolved.config.log.level : "info";
  const logger = jsonLogger({
    level,
    write: (line) => console.log(line),
    now: clock.now,
    base: { service: "taskgate", runtime: "workerd" },
  });
  if (!resolved.ok) {
    logConfigProblems(logger, resolved.problems, "every request is refused and the cron does nothing");
    return { ok: false, problems: resolved.problems, logger };
  }
  const { config, d1 } = resolved;
  try {
    return build(config, d1, logger);
  } catch (err) {
    // Something the schema cannot see (a key the runtime refuses, say): refuse just the same.
    const problems: ConfigProblem[] = [
      {
        path: "(gateway)",
        message: `could not be built from the configuration (${err instanceof Error ? err.name : "error"})`,
        fix: "read the worker's log for the cause (wrangler tail), correct TASKGATE_CONFIG and deploy again",
      },
    ];
    logger.error("gateway could not be built", { error: err instanceof Error ? err.message : String(err) });
    return { ok: false, problems, logger };
  }
}

function build(
  config: TaskgateConfig,
  d1: Parameters<typeof openD1Store>[0],
  logger: Logger,
): RunningGateway {
  const { deps, forwarder, mailOutbox, rejectionLog, retention } = composeDeps(config, {
    store: openD1Store(d1),
    // workerd's fetch must be called unbound from any object ("Illegal invocation" otherwise).
    fetch: (input, init) => fetch(input, init),
    sha256: sha256Hex,
    logger,
    getConnInfo,
  });

  const background = (work: Promise<unknown>, what: string) =>
    work.then(
      () => undefined,
      (err: unknown) =>
        logger.error(`${what} failed; the cron takes the delivery over once its lease ends`, {
          error: err instanceof Error ? err.message : String(err),
        }),
    );

  /** Per request: the dispatcher works under this request's `waitUntil`. */
  const requestDeps = (ctx: ExecutionContext): AppDeps => ({
    ...deps,
    dispatcher: waitUntilDispatcher(ctx, forwarder, background),
    // New approval mails go out after the response; the cron retries what fails.
    ...(mailOutbox
      ? { mailOutbox: { kick: () => ctx.waitUntil(background(mailOutbox.runOnce(), "mail pass")) } }
      : {}),
    // Rejections are batched per isolate; each request keeps it alive until its batch is written.
    ...(rejectionLog
      ? {
          rejections: {
            record: (entry) => {
              const written = rejectionLog.record(entry);
              ctx.waitUntil(written);
              return written;
            },
          },
        }
      : {}),
  });

  const app = createApp(deps, { requestDeps: (c) => requestDeps(c.executionCtx) });
  if (!config.metrics.token) {
    logger.info("GET /metrics is open: set metrics.token to require a bearer token");
  }
  logger.info("taskgate ready", { storage: "d1", publicUrl: config.publicUrl, version: VERSION });
  return { ok: true, app, forwarder, mailOutbox, retention, logger, config, audit: deps.store.audit };
}
