import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import worker from "../../src/worker.js";

/**
 * Helpers for tests that run inside workerd. The CDF emulator is a Node server started by the
 * global setup (test/support/emulator-global-setup.ts): the worker reaches it by outbound fetch,
 * as a deployed worker reaches CDF, and the tests drive it through its admin routes.
 */

export interface Task {
  id: string;
  externalId: string;
  status: string;
  output?: Record<string, unknown> | null;
}

export interface LogEntry {
  method: string;
  path: string;
  status: number;
  /** The request body as the emulator parsed it (JSON), e.g. a task update. */
  body?: unknown;
}

export const emulatorUrl = (): string => inject("emulatorUrl");

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emulatorUrl()}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export const emulator = {
  /** A new execution whose one async task waits IN_PROGRESS; returns that task's id. */
  async newTask(): Promise<string> {
    const execution = await admin<{ executedTasks: Task[] }>("POST", "/executions", {});
    const task = execution.executedTasks[0];
    if (!task) throw new Error("the emulator made an execution without a task");
    return task.id;
  },
  task: (id: string) => admin<Task>("GET", `/tasks/${id}`),
  addFault: (spec: Record<string, unknown>) => admin<{ id: string }>("POST", "/faults", spec),
  requests: () => admin<LogEntry[]>("GET", "/requests"),
};

/** The task-update calls the emulator received for one task. */
export function updatesOf(log: readonly LogEntry[], taskId: string): LogEntry[] {
  return log.filter((e) => e.method === "POST" && e.path.endsWith(`/workflows/tasks/${taskId}/update`));
}

/**
 * One request straight through the worker's exported `fetch`, with an execution context the test
 * owns: `settled` resolves once everything the request handed to `ctx.waitUntil` has finished.
 */
export async function send(
  method: string,
  path: string,
  o: { body?: unknown; apiKey?: string; bindings?: Record<string, unknown> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers; settled: Promise<void> }> {
  const headers: Record<string, string> = {};
  if (o.apiKey !== undefined) headers.authorization = `Bearer ${o.apiKey}`;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`https://taskgate.workers.test${path}`, {
    method,
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, o.bindings ?? env, ctx);
  const text = await res.text();
  return {
    status: res.status,
    body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
    headers: res.headers,
    settled: waitOnExecutionContext(ctx),
  };
}

/** Registers a wait for a fresh emulator task with the test API key; returns its callback path. */
export async function newWait(): Promise<{ taskId: string; waitId: string; callbackPath: string }> {
  const taskId = await emulator.newTask();
  const res = await send("POST", "/v1/waits", { apiKey: env.TEST_API_KEY, body: { taskId } });
  if (res.status !== 201)
    throw new Error(`POST /v1/waits answered ${res.status}: ${JSON.stringify(res.body)}`);
  return {
    taskId,
    waitId: String(res.body.id),
    callbackPath: new URL(String(res.body.callbackUrl)).pathname,
  };
}

/** Retries `fn` until it stops throwing, then returns its value (instead of fixed sleeps). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
