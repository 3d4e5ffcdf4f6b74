import type { GetConnInfo } from "hono/conninfo";
import { createApiAuthenticator } from "./adapters/auth/api-auth.js";
import { createCdfClient } from "./adapters/cdf/cdf-client.js";
import type { HttpTransport } from "./adapters/cdf/http-transport.js";
import { createResendMailer } from "./adapters/mail/resend-mailer.js";
import { createPrometheusMetrics } from "./adapters/metrics/prometheus-metrics.js";
import { systemClock } from "./adapters/runtime/system-clock.js";
import { uuid7Ids } from "./adapters/runtime/uuid7-ids.js";
import type { MailConfig } from "./config/approvals-schema.js";
import type { TaskgateConfig } from "./config/schema.js";
import { TaskgateError } from "./core/errors.js";
import type { MetricsRegistry } from "./core/metrics/registry.js";
import { SecretMatcher } from "./core/signatures/constant-time.js";
import { TokenSigner } from "./core/signed-token.js";
import { clientAddressFrom } from "./http/client-meta.js";
import type { AppDeps } from "./http/env.js";
import { PublicLimits } from "./http/middleware/public-limits.js";
import { approvalMessage } from "./http/pages/mail/approval-mail.js";
import type { HmacFunction, HmacSha256, Sha256Hex } from "./ports/hasher.js";
import type { Logger } from "./ports/logger.js";
import type { Mailer } from "./ports/mailer.js";
import type { Store } from "./ports/store.js";
import { expireApprovals } from "./services/approval-decisions.js";
import { BacklogMeter } from "./services/backlog-meter.js";
import { Forwarder } from "./services/forwarder.js";
import { Heartbeat } from "./services/heartbeat.js";
import { MailOutbox } from "./services/mail-outbox.js";
import { RejectionLog } from "./services/rejection-log.js";
import { purgeSteps, RetentionJob } from "./services/retention.js";
import { compileSources } from "./services/sources.js";
import { VERSION } from "./version.js";

/** How often the forwarder counts pending deliveries for load shedding (`limits.maxBacklog`). */
const BACKLOG_COUNT_INTERVAL_MS = 1_000;

/** What differs between runtimes; everything else is built the same way from the config. */
export interface RuntimeParts {
  store: Store;
  /** How CDF and the identity provider are reached. */
  fetch: typeof fetch;
  /** A faster way to reach CDF and its identity provider than `fetch` (Node's pooled client). */
  cdfTransport?: HttpTransport;
  sha256: Sha256Hex;
  /** A faster HMAC than Web Crypto's for verifying URL tokens (Node); jose verifies without it. */
  hmacSha256?: HmacSha256;
  /** A faster HMAC than Web Crypto's for webhook signatures (Node); Web Crypto without it. */
  hmac?: HmacFunction;
  logger: Logger;
  /** The runtime's connection info (Hono's per-runtime `getConnInfo`), for client addresses. */
  getConnInfo: GetConnInfo;
  /** Where links point; defaults to config.publicUrl. */
  publicUrl?: string;
  /** Builds the mailer for `approvals.mail` (SMTP exists on Node only; the HTTP API everywhere). */
  mailer?: (mail: MailConfig) => Mailer;
  /** Used when the config names no mail (local mode's capturing mailer). */
  fallbackMailer?: Mailer;
  /**
   * Replicas share the store (PostgreSQL on Node): beat, and take over a dead replica's leases.
   * A single writer (SQLite) releases its predecessor's leases at start instead.
   */
  heartbeat?: boolean;
}

/**
 * The wiring every composition root shares (Node, Workers): the CDF client, the forwarder and
 * the app's dependencies, from a validated config. Roots add only what is theirs: the store, the
 * fetch, how forwarding is scheduled, and the server.
 */
export function composeDeps(
  config: TaskgateConfig,
  parts: RuntimeParts,
): {
  deps: AppDeps;
  forwarder: Forwarder;
  retention: RetentionJob;
  mailOutbox?: MailOutbox;
  heartbeat?: Heartbeat;
  rejectionLog?: RejectionLog;
  metricsRegistry: MetricsRegistry;
} {
  const clock = systemClock;
  const ids = uuid7Ids(clock);
  const { store, logger, sha256 } = parts;
  const { metrics, registry: metricsRegistry } = createPrometheusMetrics();
  const instanceId = `gw-${ids.newId()}`;
  let mailOutbox: MailOutbox | undefined;
  const heartbeat = parts.heartbeat
    ? new Heartbeat({
        store,
        clock,
        logger: logger.child({ component: "heartbeat" }),
        instanceId,
        intervalMs: config.forwarder.heartbeat,
        takeoverAfterMs: config.forwarder.takeoverAfter,
        onTakeover: () => {
          forwarder.kick();
          mailOutbox?.kick();
        },
      })
    : undefined;
  const cdf = createCdfClient({
    baseUrl: config.cdf.baseUrl,
    project: config.cdf.project,
    auth: config.cdf.auth,
    fetch: parts.fetch,
    ...(parts.cdfTransport ? { transport: parts.cdfTransport } : {}),
    clock,
    random: ids.random,
    logger: logger.child({ component: "cdf" }),
    appName: config.cdf.appName,
    sdkVersion: VERSION,
    timeoutMs: config.cdf.timeout,
    retry: { maxRetries: config.forwarder.callRetries },
    tokenRefreshes: metrics.cdfTokenRefreshes,
  });
  const limits = new PublicLimits(config.limits);
  const backlog = new BacklogMeter({
    store,
    logger: logger.child({ component: "backlog" }),
    cap: config.limits.maxBacklog,
    intervalMs: BACKLOG_COUNT_INTERVAL_MS,
    onCount: (pending) => {
      limits.backlog = pending;
      metrics.deliveryBacklog.set(pending);
    },
  });
  const forwarder = new Forwarder({
    store,
    cdf,
    clock,
    ids,
    logger: logger.child({ component: "forwarder" }),
    metrics,
    concurrency: config.forwarder.concurrency,
    leaseMs: config.forwarder.lease,
    pollIntervalMs: config.forwarder.pollInterval,
    onSweep: (now) => expireApprovals(deps, now),
    onPass: (now) => backlog.refresh(now),
    instanceId,
    ...(heartbeat ? { leases: heartbeat } : {}),
  });
  const deps: AppDeps = {
    store,
    cdf,
    clock,
    ids,
    logger,
    metrics,
    tokens: new TokenSigner(config.signingKeys, parts.hmacSha256 ? { hmacSha256: parts.hmacSha256 } : {}),
    sha256,
    publicUrl: parts.publicUrl ?? config.publicUrl,
    waits: { defaultTtlMs: config.waits.defaultTtl, maxTtlMs: config.waits.maxTtl },
    approvals: {
      defaultTtlMs: config.approvals.defaultTtl,
      maxTtlMs: config.approvals.maxTtl,
      onExpire: config.approvals.onExpire,
      linkGraceMs: config.approvals.linkGrace,
    },
    minRetryWindowMs: config.forwarder.minRetryWindow,
    // Hands deliveries over in-process once started; until then (or on Workers, where each
    // request brings its own dispatcher) its loop or a cron pass claims them.
    dispatcher: forwarder,
    authenticate: createApiAuthenticator(
      {
        keys: config.api.keys,
        oidc: config.api.oidc && { ...config.api.oidc, clockToleranceMs: config.api.oidc.clockTolerance },
      },
      clock,
      sha256,
    ),
    bodyLimitBytes: config.server.bodyLimitBytes,
    clientAddress: clientAddressFrom(parts.getConnInfo, { trustProxy: config.server.trustProxy }),
    version: VERSION,
    accessLog: config.server.accessLog,
    ...(config.metrics.token ? { metricsToken: new SecretMatcher([config.metrics.token]) } : {}),
    limits,
    sources: compileSources(config.sources, {
      fetch: parts.fetch,
      ...(parts.hmac ? { hmac: parts.hmac } : {}),
    }),
  };
  // One writer per process (Node) or isolate (Workers): it batches, so a flood costs a few inserts.
  const rejectionLog = config.rejections.enabled
    ? new RejectionLog(
        { store: store.rejections, clock, ids, logger: logger.child({ component: "rejections" }) },
        { maxRows: config.rejections.maxRows },
      )
    : undefined;
  if (rejectionLog) deps.rejections = rejectionLog;
  // Retention (DESIGN §5): a timer on Node, each cron pass on Workers.
  const retention = new RetentionJob({
    steps: purgeSteps(store, config.retention, { ids, clock }),
    clock,
    logger: logger.child({ component: "retention" }),
    batch: config.retention.batch,
    intervalMs: config.retention.interval,
  });
  const extras = {
    metricsRegistry,
    retention,
    ...(heartbeat ? { heartbeat } : {}),
    ...(rejectionLog ? { rejectionLog } : {}),
  };
  const mail = config.approvals.mail;
  // Local mode names no mail but keeps what it "sends" for the console's mail catcher.
  const mailer = mail ? configuredMailer(mail, parts) : parts.fallbackMailer;
  if (!mailer) return { deps, forwarder, ...extras };
  mailOutbox = new MailOutbox(deps, mailer, {
    render: approvalMessage,
    instanceId,
    ...(mail ? {} : { pollIntervalMs: 1_000 }),
  });
  deps.mailOutbox = mailOutbox;
  return { deps, forwarder, mailOutbox, ...extras };
}

function configuredMailer(mail: MailConfig, parts: RuntimeParts): Mailer {
  const mailer = parts.mailer
    ? parts.mailer(mail)
    : mail.kind === "resend"
      ? createResendMailer(mail, parts.fetch)
      : undefined;
  if (!mailer) {
    throw new TaskgateError(
      "config_invalid",
      `approvals.mail: "${mail.kind}" is not available on this runtime`,
    );
  }
  return mailer;
}
