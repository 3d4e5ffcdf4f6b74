import type { Emulator } from "../src/emulator/emulator.js";

export interface FreshWait {
  taskId: string;
  /** Path of the callback URL (`/v1/callbacks/<token>`). */
  path: string;
}

/**
 * Makes `count` executions in the emulator (in-process, one async task each, IN_PROGRESS) and
 * registers a wait for each task through the gateway's API, at most `concurrency` at a time.
 */
export async function createWaits(o: {
  emulator: Emulator;
  gatewayUrl: string;
  apiKey: string;
  count: number;
  concurrency?: number;
}): Promise<FreshWait[]> {
  const taskIds: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const execution = o.emulator.createExecution();
    const task = execution.executedTasks[0];
    if (!task) throw new Error("the emulator made an execution without a task");
    taskIds.push(task.id);
  }

  const out: FreshWait[] = new Array<FreshWait>(o.count);
  let next = 0;
  const worker = async () => {
    while (next < taskIds.length) {
      const i = next++;
      const taskId = taskIds[i]!;
      const res = await fetch(`${o.gatewayUrl}/v1/waits`, {
        method: "POST",
        headers: { authorization: `Bearer ${o.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ taskId }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`POST /v1/waits answered ${res.status}: ${text.slice(0, 300)}`);
      const { callbackUrl } = JSON.parse(text) as { callbackUrl: string };
      out[i] = { taskId, path: new URL(callbackUrl).pathname };
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 32, o.count) }, worker));
  return out;
}

/** Hands out each wait once, in order. */
export class WaitPool {
  private i = 0;
  constructor(private readonly waits: FreshWait[]) {}

  add(more: FreshWait[]): void {
    this.waits.push(...more);
  }

  next(): FreshWait | undefined {
    return this.waits[this.i++];
  }

  get remaining(): number {
    return Math.max(0, this.waits.length - this.i);
  }

  get used(): number {
    return Math.min(this.i, this.waits.length);
  }
}
