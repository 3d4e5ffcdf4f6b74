import type { WaitPool } from "./setup-waits.js";
import { preciseNow, type Summary, summarize } from "./stats.js";
import type { UpdateTracker } from "./updates.js";

export interface LatencyResult {
  /** Send → the emulator receives the task update. */
  endToEnd: Summary;
  /** Send → the 202 is read by the client. */
  ack: Summary;
  /** The 202 → the update arrives (negative: the update arrived before the client saw the 202). */
  afterAck: Summary;
  errors: number;
  missing: number;
}

/**
 * Sequential callbacks on fresh waits, one at a time: each is sent, its 202 read, and the
 * matching task update awaited in the emulator's log; then, after `gapMs` (the gateway finishes
 * recording the attempt meanwhile), the next is sent.
 */
export async function measureLatency(o: {
  gatewayUrl: string;
  pool: WaitPool;
  tracker: UpdateTracker;
  body: string;
  warmup: number;
  count: number;
  /** Pause after each callback's update arrived, so the next one finds the gateway idle. */
  gapMs?: number;
}): Promise<LatencyResult> {
  const e2e: number[] = [];
  const ack: number[] = [];
  const afterAck: number[] = [];
  let errors = 0;
  let missing = 0;
  for (let i = 0; i < o.warmup + o.count; i++) {
    const wait = o.pool.next();
    if (!wait) throw new Error("latency phase ran out of fresh waits");
    const t0 = preciseNow();
    const res = await fetch(`${o.gatewayUrl}${wait.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: o.body,
    });
    await res.arrayBuffer();
    const t1 = preciseNow();
    const arrived = await o.tracker.waitFor(wait.taskId, 5_000);
    if (o.gapMs) await new Promise((resolve) => setTimeout(resolve, o.gapMs));
    if (i < o.warmup) continue;
    if (res.status !== 202) errors++;
    if (arrived === undefined) {
      missing++;
      continue;
    }
    e2e.push(arrived - t0);
    ack.push(t1 - t0);
    afterAck.push(arrived - t1);
  }
  return { endToEnd: summarize(e2e), ack: summarize(ack), afterAck: summarize(afterAck), errors, missing };
}
