import type { ServiceDeps } from "./deps.js";

/**
 * The metrics as a scrape sees them: counters as counted, and the store's gauges read now
 * (deliveries by state, how long the oldest due delivery has waited). A store that does not
 * answer costs the scrape those gauges only: `taskgate_store_up` says 0 and the rest is served.
 */
export async function scrapeMetrics(deps: Pick<ServiceDeps, "metrics" | "store" | "clock" | "logger">) {
  const { metrics, store, clock } = deps;
  try {
    const [counts, nextDue] = await Promise.all([store.countDeliveries(), store.nextDueAt()]);
    for (const [state, count] of Object.entries(counts)) metrics.deliveries.labels(state).set(count);
    const now = clock.now();
    metrics.deliveryOldestDueSeconds.set(nextDue !== undefined && nextDue < now ? (now - nextDue) / 1000 : 0);
    metrics.storeUp.set(1);
  } catch (err) {
    metrics.storeUp.set(0);
    deps.logger.warn("metrics: the store did not answer; its gauges are stale", {
      error: err instanceof Error ? err.name : "unknown",
    });
  }
  return metrics.expose();
}
