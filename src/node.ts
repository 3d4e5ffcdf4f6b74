import type { AddressInfo } from "node:net";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { type ServerType, serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Hono } from "hono";
import { undiciTransport } from "./adapters/cdf/undici-transport.js";
import { CapturingMailer } from "./adapters/mail/capturing-mailer.js";
import { createResendMailer } from "./adapters/mail/resend-mailer.js";
import { jsonLogger, type LogLevel } from "./adapters/runtime/json-logger.js";
import { nodeHmac, nodeHmacSha256 } from "./adapters/runtime/node-hmac.js";
import { installNodeProcessMetrics } from "./adapters/runtime/node-process-metrics.js";
import {
  applyServerLimits,
  DEFAULT_SERVER_LIMITS,
  type LimitableServer,
} from "./adapters/runtime/node-server-limits.js";
import { nodeSha256Hex } from "./adapters/runtime/node-sha256.js";
import { stdoutLines } from "./adapters/runtime/stdout-lines.js";
import { systemClock } from "./adapters/runtime/system-clock.js";
import { uuid7Ids } from "./adapters/runtime/uuid7-ids.js";
import { composeDeps } from "./compose-deps.js";
import type { TaskgateConfig } from "./config/schema.js";
import type { EmulatorEnv } from "./emulator/context.js";
import { createApp } from "./http/app.js";
import { OneTimeSignIn } from "./http/console/one-time-sign-in.js";
import type { AppDeps } from "./http/env.js";
import { openStoreWhenReachable } from "./node-store.js";
import type { Logger } from "./ports/logger.js";
import type { Store } from "./ports/store.js";
import { AuditSealer } from "./services/audit-sealer.js";
import type { Forwarder } from "./services/forwarder.js";
import type { Heartbeat } from "./services/heartbeat.js";
import { VERSION } from "./version.js";

export interface GatewayOptions {
  config: TaskgateConfig;
  /** Overrides config.server.port (`--port`, `PORT`); 0 picks a free port. */
  port?: number;
  /** Local mode: the CDF emulator app, mounted at /emulator and reached in-process. */
  emulator?: Hono<EmulatorEnv>;
  /** Where CDF is reached; defaults to the runtime's fetch. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** When set, `publicUrl` is derived from the bound address (local mode, tests). */
  derivePublicUrl?: boolean;
}

export interface RunningGateway {
  url: string;
  publicUrl: string;
  app: Hono;
  store: Store;
  forwarder: Forwarder;
  logger: Logger;
  /** Local mode: a fresh one-time console sign-in link (absolute), for the start-up banner. */
  consoleSignInLink?: () => Promise<string>;
  /** Stops accepting, finishes in-flight requests and deliveries, closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** The Node composition root: builds every dependency from the config once, then serves. */
export async function startGateway(o: GatewayOptions): Promise<RunningGateway> {
  const { config } = o;
  const clock = systemClock;
  const logger =
    o.logger ??
    jsonLogger({
      level: config.log.level as LogLevel,
      // One write per turn of the event loop, not per line (line-batcher.ts).
      write: (line) => stdoutLines().write(line),
      now: clock.now,
      base: { service: "taskgate" },
    });

  // Local mode sends no mail: a capturing mailer keeps each message for the console's catcher.
  const mailCatcher = o.emulator ? new CapturingMailer({ clock, ids: uuid7Ids(clock) }) : undefined;
  let app: Hono | undefined;
  // In local mode CDF is the emulator inside this very app: call it in-process.
  const cdfFetch: typeof fetch =
    o.fetch ?? (o.emulator ? (input, init) => Promise.resolve(app!.fetch(new Request(input, init))) : fetch);
  // CDF over the network: undici's pool directly, a fraction of fetch's CPU per call. A fetch
  // given by the caller (tests) or the in-process emulator keeps the fetch path.
  const cdfTransport =
    o.fetch || o.emulator ? undefined : undiciTransport({ connections: config.forwarder.concurrency + 4 });
  // undici parses answers with llhttp compiled to WebAssembly (the only wasm in this process;
  // Node's own HTTP parser is native). V8 recompiles hot wasm with TurboFan, and that one compile
  // of llhttp's large functions holds ~30 MB for a few dozen milliseconds: it set the gateway's
  // peak RSS (136 MB against ~101 MB just before and after). Liftoff's baseline code parses CDF's
  // small answers at no cost a benchmark could see, so wasm stays on Liftoff.
  if (cdfTransport) setFlagsFromString("--liftoff-only");
  // nodemailer only when the config sends mail over SMTP (~15 MB resident otherwise unused).
  const smtp =
    config.approvals.mail?.kind === "smtp"
      ? (await import("./adapters/mail/smtp-mailer.js")).createSmtpMailer
      : undefined;
  const port = o.port ?? config.server.port;
  let server: ServerType | undefined;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve(
      {
        fetch: (req, env) => (app ? app.fetch(req, env) : startingResponse(req)),
        port,
        hostname: config.server.host,
      },
      (info) => resolve(info),
    );
    server.once("error", reject);
    applyServerLimits(server as unknown as LimitableServer, {
      ...DEFAULT_SERVER_LIMITS,
      maxConnections: config.server.maxConnections,
    });
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  // Served (live, not ready) while the store is awaited.
  let store: Store;
  try {
    store = await openStoreWhenReachable(config, logger);
  } catch (err) {
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    throw err;
  }

  const {
    deps: shared,
    forwarder,
    mailOutbox,
    metricsRegistry,
    heartbeat,
    rejectionLog,
    retention,
  } = composeDeps(config, {
    ...(mailCatcher ? { fallbackMailer: mailCatcher } : {}),
    store,
    fetch: cdfFetch,
    ...(cdfTransport ? { cdfTransport } : {}),
    sha256: nodeSha256Hex,
    hmacSha256: nodeHmacSha256,
    hmac: nodeHmac,
    logger,
    getConnInfo,
    publicUrl: o.derivePublicUrl ? url : config.publicUrl,
    mailer: (mail) => {
      if (mail.kind !== "smtp") return createResendMailer(mail);
      if (!smtp) throw new Error("the SMTP mailer was not loaded for this config");
      return smtp(mail);
    },
    heartbeat: config.storage.kind === "postgres",
  });
  // Beat before the first lease is taken, so no replica can mistake this one for dead.
  if (heartbeat) await joinWhenReachable(heartbeat, logger);
  const deps: AppDeps = {
    ...shared,
    ...(o.emulator ? { emulator: o.emulator, loopbackHostsOnly: true } : {}),
  };
  // Local mode: the console's one-time sign-in links (as the local key) and its mail catcher.
  const signIn = o.emulator ? new OneTimeSignIn(deps, "local") : undefined;
  if (signIn && mailCatcher) deps.console = { signIn, mailCatcher };
  app = createApp(deps) as unknown as Hono;
  const stopProcessMetrics = installNodeProcessMetrics(metricsRegistry);
  if (!config.metrics.token && !o.emulator) {
    logger.info("GET /metrics is open: set metrics.token to require a bearer token");
  }
  forwarder.start();
  mailOutbox?.start();
  // Links audit entries into the chain shortly after their change (every replica runs one; on
  // PostgreSQL they take turns under an advisory lock, and a lost race writes nothing).
  const sealer = new AuditSealer(store.audit, logger, undefined, nodeSha256Hex);
  sealer.start();
  heartbeat?.start();
  retention.start();
  const { publicUrl } = deps;
  logger.info("taskgate listening", {
    url,
    publicUrl,
    storage: config.storage.kind,
    version: VERSION,
    // V8's heap cap in effect (npm start sets it: README, Operations "Memory").
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  });
  // Whoever waits for this line (a supervisor, a test) sees it now, not a turn later.
  stdoutLines().flush();

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) => {
    closing ??= (async () => {
      logger.info("shutting down: no new requests; finishing in-flight work", { graceMs });
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        if ("closeIdleConnections" in server!) server.closeIdleConnections();
      });
      await Promise.all([
        forwarder.stop(graceMs),
        mailOutbox?.stop(),
        rejectionLog?.close(),
        retention.stop(),
      ]);
      await sealer.stop();
      await heartbeat?.stop();
      await Promise.all([store.close(), cdfTransport?.close()]);
      stopProcessMetrics();
      logger.info("stopped");
      stdoutLines().flush();
    })();
    return closing;
  };
  const consoleSignInLink = signIn ? async () => `${url}${await signIn.issue()}` : undefined;
  return {
    url,
    publicUrl,
    app,
    store,
    forwarder,
    logger,
    close,
    ...(consoleSignInLink ? { consoleSignInLink } : {}),
  };
}

/** The first beat, retried while the store is briefly unreachable (it answered a moment ago). */
async function joinWhenReachable(heartbeat: Heartbeat, logger: Logger): Promise<void> {
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      await heartbeat.join();
      return;
    } catch {
      logger.warn("first heartbeat failed; trying again", { retryInMs: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Before the store answers: live for /healthz, not ready for anything else. */
function startingResponse(req: Request): Response {
  if (new URL(req.url).pathname === "/healthz") return Response.json({ status: "ok", version: VERSION });
  const error = { code: "store_unavailable", message: "starting: waiting for the store", requestId: "" };
  return Response.json({ error }, { status: 503, headers: { "retry-after": "2" } });
}

/** SIGTERM and SIGINT stop the gateway gracefully; a second signal exits at once. */
export function stopOnSignals(gateway: Pick<RunningGateway, "close">, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info("signal received", { signal });
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error("shutdown failed", { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
