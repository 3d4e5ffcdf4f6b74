import { exposeText } from "../../core/metrics/exposition.js";
import { MetricsRegistry } from "../../core/metrics/registry.js";
import type { Metrics } from "../../ports/metrics.js";

/** Request durations: a webhook accept is milliseconds; anything past 10 s is a problem anyway. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A CDF task update: tens of milliseconds when healthy, up to the call timeout when not. */
const FORWARD_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Label values known in advance are exposed at 0 from the start, so rates over them are defined. */
const ATTEMPT_RESULTS = ["delivered", "reconciled", "retry", "dead"] as const;
const APPROVAL_OUTCOMES = ["approved", "rejected", "expired", "cancelled"] as const;
const MAIL_RESULTS = ["sent", "retry", "dead", "skipped"] as const;

export interface PrometheusMetrics {
  metrics: Metrics;
  /** For runtime collectors a composition root adds (Node's RSS and event-loop lag). */
  registry: MetricsRegistry;
}

/** taskgate's families (DESIGN §7) on a fresh registry: one per process, or per Workers isolate. */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new MetricsRegistry();
  const httpRequests = registry.counter({
    name: "taskgate_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status.",
    labelNames: ["route", "method", "status"],
  });
  const httpDuration = registry.histogram({
    name: "taskgate_http_request_duration_seconds",
    help: "Time from the request's arrival to its answer, by route pattern.",
    labelNames: ["route"],
    buckets: HTTP_BUCKETS,
  });
  const webhooks = registry.counter({
    name: "taskgate_webhooks_total",
    help: "Webhooks accepted, by source and outcome (queued, parked, ignored, duplicate, handshake).",
    labelNames: ["source", "outcome"],
  });
  const rejections = registry.counter({
    name: "taskgate_rejections_total",
    help: "Requests to /hooks and /v1/callbacks refused before acceptance, by source and error code.",
    labelNames: ["source", "code"],
  });
  const deliveries = registry.gauge({
    name: "taskgate_deliveries",
    help: "Deliveries stored, by state (read from the store when scraped).",
    labelNames: ["state"],
  });
  const oldestDue = registry.gauge({
    name: "taskgate_delivery_oldest_due_seconds",
    help: "How long the oldest pending delivery has been due (0 when none is overdue).",
    labelNames: [],
  });
  const backlog = registry.gauge({
    name: "taskgate_delivery_backlog",
    help: "Pending deliveries as last counted for load shedding (counted up to limits.maxBacklog).",
    labelNames: [],
  });
  const storeUp = registry.gauge({
    name: "taskgate_store_up",
    help: "1 when the store answered this scrape's reads, 0 when it did not.",
    labelNames: [],
  });
  const forwardAttempts = registry.counter({
    name: "taskgate_forward_attempts_total",
    help: "Attempts to update a task in CDF, by result (delivered, reconciled, retry, dead).",
    labelNames: ["result"],
  });
  const forwardDuration = registry.histogram({
    name: "taskgate_forward_duration_seconds",
    help: "Time one forwarding attempt took, CDF calls included.",
    labelNames: [],
    buckets: FORWARD_BUCKETS,
  });
  const forwardSlots = registry.gauge({
    name: "taskgate_forward_call_slots",
    help: "CDF calls the forwarder may make at once: forwarder.concurrency, halved while CDF answers 429.",
    labelNames: [],
  });
  const tokenRefreshes = registry.counter({
    name: "taskgate_cdf_token_refreshes_total",
    help: "Access tokens obtained from the identity provider for CDF.",
    labelNames: [],
  });
  const approvals = registry.counter({
    name: "taskgate_approvals_total",
    help: "Approvals ended, by outcome (approved, rejected, expired, cancelled).",
    labelNames: ["outcome"],
  });
  const mail = registry.counter({
    name: "taskgate_mail_total",
    help: "Approval mails handled by the outbox, by result (sent, retry, dead, skipped).",
    labelNames: ["result"],
  });
  for (const r of ATTEMPT_RESULTS) forwardAttempts.labels(r);
  for (const o of APPROVAL_OUTCOMES) approvals.labels(o);
  for (const r of MAIL_RESULTS) mail.labels(r);

  const metrics: Metrics = {
    httpRequests,
    httpDuration,
    webhooks,
    rejections,
    deliveries,
    deliveryOldestDueSeconds: oldestDue.cell,
    deliveryBacklog: backlog.cell,
    storeUp: storeUp.cell,
    forwardAttempts,
    forwardDuration: forwardDuration.cell,
    forwardSlots: forwardSlots.cell,
    cdfTokenRefreshes: tokenRefreshes.cell,
    approvals,
    mail,
    expose: () => exposeText(registry),
  };
  return { metrics, registry };
}
