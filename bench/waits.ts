/**
 * Registers one wait per task through the gateway's API (`POST /v1/waits`), at most `concurrency`
 * at a time, and returns each wait's callback path (`/v1/callbacks/<token>`) in task order.
 * `extra` adds fields to a wait (a webhook source and correlation key).
 */
export async function registerWaits(o: {
  gatewayUrl: string;
  apiKey: string;
  taskIds: readonly string[];
  extra?: (i: number) => Record<string, unknown>;
  concurrency?: number;
  /** Told how long the registrations took (a new wait's cost grows with the open ones if a lookup walks them). */
  log?: (line: string) => void;
}): Promise<string[]> {
  const started = performance.now();
  const out = new Array<string>(o.taskIds.length);
  let next = 0;
  const worker = async () => {
    while (next < o.taskIds.length) {
      const i = next++;
      const res = await fetch(`${o.gatewayUrl}/v1/waits`, {
        method: "POST",
        headers: { authorization: `Bearer ${o.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ taskId: o.taskIds[i], ...o.extra?.(i) }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`POST /v1/waits answered ${res.status}: ${text.slice(0, 300)}`);
      out[i] = new URL((JSON.parse(text) as { callbackUrl: string }).callbackUrl).pathname;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 32, o.taskIds.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  if (o.taskIds.length >= 100) {
    o.log?.(
      `registered ${o.taskIds.length} waits in ${seconds.toFixed(1)} s (${Math.round(o.taskIds.length / seconds)}/s)`,
    );
  }
  return out;
}

/** Hands out each item once, in order; more can be appended while it is in use. */
export class Pool<T> {
  private i = 0;
  constructor(private readonly items: T[] = []) {}

  add(more: readonly T[]): void {
    this.items.push(...more);
  }

  next(): T | undefined {
    return this.items[this.i++];
  }

  get remaining(): number {
    return Math.max(0, this.items.length - this.i);
  }
}
