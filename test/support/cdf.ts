import type { Emulator } from "../../src/emulator/emulator.js";
import type { Fault, FaultSpec } from "../../src/emulator/faults.js";
import type { RequestLogEntry } from "../../src/emulator/request-log.js";
import { type EmulatorServer, startEmulatorServer } from "../../src/emulator/serve-node.js";
import type { TaskExecution, WorkflowExecutionDetail } from "../../src/emulator/workflow-types.js";

export type { RequestLogEntry, TaskExecution, WorkflowExecutionDetail };

/** The task the emulator's admin shortcut creates when no tasks are given: one async function task. */
export const DEFAULT_TASK = "await-callback";

/**
 * The CDF emulator on its own port, driven the way a black-box test would: through its HTTP admin
 * surface (`/_emulator/...`) and, for CDF calls the test itself makes, the real CDF API with a
 * minted token (minting is not in the request log, so it never counts as taskgate's traffic).
 */
export class CdfEmulator {
  private constructor(
    readonly server: EmulatorServer,
    readonly project: string,
  ) {}

  static async start(): Promise<CdfEmulator> {
    const server = await startEmulatorServer({ port: 0 });
    return new CdfEmulator(server, server.emulator.project);
  }

  get url(): string {
    return this.server.url;
  }

  /** The in-process emulator, for checks that must not wait on an HTTP round trip. */
  get emulator(): Emulator {
    return this.server.emulator;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** A workflow execution with (by default) one async task, `await-callback`, IN_PROGRESS. */
  createExecution(input: Record<string, unknown> = {}): Promise<WorkflowExecutionDetail> {
    return this.admin("POST", "/executions", input);
  }

  /** Creates an execution and returns it with its async task's id. */
  async newTask(): Promise<{ executionId: string; taskId: string }> {
    const execution = await this.createExecution();
    return { executionId: execution.id, taskId: taskIdOf(execution) };
  }

  task(id: string): Promise<TaskExecution> {
    return this.admin("GET", `/tasks/${id}`);
  }

  execution(id: string): Promise<WorkflowExecutionDetail> {
    return this.admin("GET", `/executions/${id}`);
  }

  addFault(spec: FaultSpec): Promise<Fault> {
    return this.admin("POST", "/faults", spec);
  }

  async clearFaults(): Promise<void> {
    await this.admin("DELETE", "/faults");
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.admin("GET", "/requests");
  }

  async revokeTokens(): Promise<void> {
    await this.admin("POST", "/tokens/revoke");
  }

  async setTokenLifetime(seconds: number): Promise<void> {
    await this.admin("POST", "/config", { tokenLifetimeSeconds: seconds });
  }

  /** Calls the CDF API as some other client would (e.g. to complete or cancel behind taskgate's back). */
  async cdf<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const { token } = await this.admin<{ token: string }>("POST", "/tokens", { subject: "test-harness" });
    const res = await fetch(`${this.url}/api/v1/projects/${this.project}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** "Update task status" straight to CDF, bypassing taskgate. */
  async updateTaskDirectly(taskId: string, update: { status: string; output?: Record<string, unknown> }) {
    const res = await this.cdf<TaskExecution>("POST", `/workflows/tasks/${taskId}/update`, update);
    if (res.status !== 200) throw new Error(`direct task update answered ${res.status}`);
    return res.body;
  }

  async cancelExecution(executionId: string): Promise<void> {
    const res = await this.cdf("POST", `/workflows/executions/${executionId}/cancel`, { reason: "test" });
    if (res.status !== 200) throw new Error(`cancel answered ${res.status}`);
  }
}

export function taskIdOf(execution: WorkflowExecutionDetail, externalId = DEFAULT_TASK): string {
  const task = execution.executedTasks.find((t) => t.externalId === externalId);
  if (!task) throw new Error(`execution ${execution.id} has no task ${externalId}`);
  return task.id;
}

/** The log entries of "update task status" calls for one task, in arrival order. */
export function updatesOf(log: readonly RequestLogEntry[], taskId: string): RequestLogEntry[] {
  return log.filter((e) => e.method === "POST" && e.path.endsWith(`/workflows/tasks/${taskId}/update`));
}

export function isTokenRequest(e: RequestLogEntry): boolean {
  return e.method === "POST" && e.path === "/oauth2/token";
}

/** An "update task status" call, whatever the task. */
export function isUpdate(e: RequestLogEntry): boolean {
  return e.method === "POST" && /\/workflows\/tasks\/[^/]+\/update$/.test(e.path);
}

/** The task id an update call was for. */
export function taskOfUpdate(e: RequestLogEntry): string {
  return /\/workflows\/tasks\/([^/]+)\/update$/.exec(e.path)![1]!;
}
