import { monitorEventLoopDelay } from "node:perf_hooks";
import type { MetricsRegistry } from "../../core/metrics/registry.js";

/**
 * Node's own gauges, read at each scrape: resident memory, and event-loop delay over the time
 * since the previous scrape (p50, p99, max). Names follow prom-client's, so existing dashboards
 * fit. Returns a stop function that ends the delay monitor.
 */
export function installNodeProcessMetrics(registry: MetricsRegistry): () => void {
  const rss = registry.gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory of the process, in bytes.",
    labelNames: [],
  }).cell;
  const lag = (stat: string) =>
    registry.gauge({
      name: `nodejs_eventloop_lag_${stat}_seconds`,
      help: `Event-loop delay since the previous scrape: ${stat}.`,
      labelNames: [],
    }).cell;
  const p50 = lag("p50");
  const p99 = lag("p99");
  const max = lag("max");
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  registry.onCollect(() => {
    rss.set(process.memoryUsage.rss());
    // The histogram is in nanoseconds; with no sample yet its percentiles are 0.
    if (delay.count > 0) {
      p50.set(delay.percentile(50) / 1e9);
      p99.set(delay.percentile(99) / 1e9);
      max.set(delay.max / 1e9);
    }
    delay.reset();
  });
  return () => delay.disable();
}
