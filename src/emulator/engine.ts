import type { Clock } from "../ports/clock.js";
import { CdfHttpError } from "./cdf-errors.js";
import type { TaskDefinitionInput } from "./request-schemas.js";
import type { TaskUpdateBody } from "./task-update.js";
import { normalizeDefinition } from "./workflow-definition.js";
import type {
  ExecutionStatus,
  TaskDefinition,
  TaskExecution,
  Workflow,
  WorkflowExecution,
  WorkflowExecutionDetail,
  WorkflowVersion,
} from "./workflow-types.js";

interface ExecutionRecord {
  summary: WorkflowExecution;
  input: Record<string, unknown>;
  version: WorkflowVersion;
  tasks: TaskRecord[];
}

interface TaskRecord {
  execution: ExecutionRecord;
  definition: TaskDefinition;
  /** 0 for the first start; each retry adds one. */
  attempt: number;
  entry: TaskExecution;
}

export interface ExecutionFilter {
  workflowFilters?: { externalId: string; version?: string | undefined }[] | undefined;
  status?: ExecutionStatus[] | undefined;
  createdTimeStart?: number | undefined;
  createdTimeEnd?: number | undefined;
}

/** CDF's limit on execution metadata. */
const MAX_METADATA_PAIRS = 10;

/**
 * A small, synchronous stand-in for CDF's workflow engine: enough of it to make task ids, async
 * completion, retries, dependencies, failure and cancellation behave as cdf-api.md describes.
 * Function tasks do not run code: a non-async one completes at once, an async one waits for
 * "update task status".
 */
export class WorkflowEngine {
  private readonly workflows = new Map<string, Workflow>();
  private readonly versions = new Map<string, WorkflowVersion>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tasks = new Map<string, TaskRecord>();
  private callSeq = 0;

  constructor(private readonly clock: Clock) {}

  reset(): void {
    this.workflows.clear();
    this.versions.clear();
    this.executions.clear();
    this.tasks.clear();
    this.callSeq = 0;
  }

  upsertWorkflow(item: { externalId: string; description?: string | undefined }): Workflow {
    const now = this.clock.now();
    const existing = this.workflows.get(item.externalId);
    const workflow: Workflow = {
      externalId: item.externalId,
      createdTime: existing?.createdTime ?? now,
      lastUpdatedTime: now,
    };
    const description = item.description ?? existing?.description;
    if (description !== undefined) workflow.description = description;
    this.workflows.set(item.externalId, workflow);
    return { ...workflow };
  }

  /** Upserts a version; like CDF, the workflow itself is created when missing. */
  upsertVersion(item: {
    workflowExternalId: string;
    version: string;
    workflowDefinition: { description?: string | undefined; tasks: TaskDefinitionInput[] };
  }): WorkflowVersion {
    const definition = normalizeDefinition(
      item.workflowDefinition.tasks,
      item.workflowDefinition.description,
    );
    if (!this.workflows.has(item.workflowExternalId)) {
      this.upsertWorkflow({ externalId: item.workflowExternalId });
    }
    const now = this.clock.now();
    const key = versionKey(item.workflowExternalId, item.version);
    const version: WorkflowVersion = {
      workflowExternalId: item.workflowExternalId,
      version: item.version,
      workflowDefinition: definition,
      createdTime: this.versions.get(key)?.createdTime ?? now,
      lastUpdatedTime: now,
    };
    this.versions.set(key, version);
    return structuredClone(version);
  }

  hasVersion(workflowExternalId: string, version: string): boolean {
    return this.versions.has(versionKey(workflowExternalId, version));
  }

  /** Starts an execution: tasks without `dependsOn` start at once. */
  run(
    workflowExternalId: string,
    version: string,
    options: {
      input?: Record<string, unknown> | undefined;
      metadata?: Record<string, string> | undefined;
    } = {},
  ): WorkflowExecution {
    const stored = this.versions.get(versionKey(workflowExternalId, version));
    if (!stored) {
      throw new CdfHttpError(404, `Workflow '${workflowExternalId}' version '${version}' not found.`, {
        extras: { missing: [{ externalId: workflowExternalId, version }] },
      });
    }
    const metadata = options.metadata ?? {};
    if (Object.keys(metadata).length > MAX_METADATA_PAIRS) {
      throw new CdfHttpError(400, `metadata can hold at most ${MAX_METADATA_PAIRS} key-value pairs.`);
    }
    const now = this.clock.now();
    const record: ExecutionRecord = {
      summary: {
        id: crypto.randomUUID(),
        workflowExternalId,
        version,
        status: "RUNNING",
        engineExecutionId: crypto.randomUUID(),
        createdTime: now,
        startTime: now,
        endTime: null,
        reasonForIncompletion: null,
        metadata: { ...metadata },
      },
      input: structuredClone(options.input ?? {}),
      version: structuredClone(stored),
      tasks: [],
    };
    this.executions.set(record.summary.id, record);
    this.advance(record);
    return { ...record.summary };
  }

  getExecution(id: string): WorkflowExecutionDetail | undefined {
    const record = this.executions.get(id);
    return record ? detailOf(record) : undefined;
  }

  /** Newest first, like CDF; the cursor is an opaque offset. */
  listExecutions(
    filter: ExecutionFilter = {},
    limit = 100,
    cursor?: string,
  ): { items: WorkflowExecution[]; nextCursor?: string } {
    const matching = [...this.executions.values()]
      .map((r) => r.summary)
      .filter((e) => matchesFilter(e, filter))
      .reverse();
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    const page = matching.slice(offset, offset + limit).map((e) => ({ ...e, metadata: { ...e.metadata } }));
    const next = offset + limit;
    return next < matching.length ? { items: page, nextCursor: btoa(`offset:${next}`) } : { items: page };
  }

  /** Cancel: the execution becomes TERMINATED and its running tasks CANCELED (CDF's documented effect). */
  cancel(id: string, reason?: string): WorkflowExecution {
    const record = this.executions.get(id);
    if (!record) throw notFoundExecution(id);
    if (record.summary.status !== "RUNNING") {
      throw new CdfHttpError(
        400,
        `Workflow execution '${id}' is ${record.summary.status}; only a RUNNING execution can be canceled.`,
      );
    }
    this.finish(record, "TERMINATED", reason ?? "The workflow execution was canceled.");
    return { ...record.summary };
  }

  getTask(id: string): TaskExecution | undefined {
    const record = this.tasks.get(id);
    return record ? structuredClone(record.entry) : undefined;
  }

  /** The task-dependent checks of "update task status", then the transition. */
  updateTask(id: string, update: TaskUpdateBody): TaskExecution {
    const record = this.tasks.get(id);
    if (!record) {
      throw new CdfHttpError(404, `Task execution '${id}' not found.`, { extras: { missing: [{ id }] } });
    }
    const { entry, definition, execution } = record;
    if (!definition.parameters.isAsyncComplete) {
      throw new CdfHttpError(
        400,
        `Task '${entry.externalId}' (${id}) is not an async task: only tasks defined with ` +
          "isAsyncComplete: true can have their status updated.",
      );
    }
    if (entry.status !== "IN_PROGRESS") {
      throw new CdfHttpError(
        400,
        `Task '${entry.externalId}' (${id}) is ${entry.status}; only an IN_PROGRESS task can be updated.`,
      );
    }
    const now = this.clock.now();
    if (update.output) entry.output = { ...entry.output, ...structuredClone(update.output) };
    entry.endTime = now;
    if (update.status === "COMPLETED") {
      entry.status = "COMPLETED";
      this.advance(execution);
    } else if (update.status === "FAILED" && record.attempt < definition.retries) {
      entry.status = "FAILED";
      entry.reasonForIncompletion = "The task was set to FAILED; it is retried.";
      this.start(execution, definition, record.attempt + 1);
    } else {
      entry.status = update.status === "FAILED" ? "FAILED" : "FAILED_WITH_TERMINAL_ERROR";
      entry.reasonForIncompletion =
        update.status === "FAILED"
          ? `The task was set to FAILED and its ${definition.retries} retries are used up.`
          : "The task was set to FAILED_WITH_TERMINAL_ERROR; it is not retried.";
      this.giveUp(record);
    }
    return structuredClone(entry);
  }

  /**
   * Starts every task whose dependencies are done, until nothing changes (a non-async task
   * completes as it starts, which can unblock others); completes the execution when all are done.
   */
  private advance(execution: ExecutionRecord): void {
    if (execution.summary.status !== "RUNNING") return;
    const tasks = execution.version.workflowDefinition.tasks;
    let progressed = true;
    while (progressed && execution.summary.status === "RUNNING") {
      progressed = false;
      for (const def of tasks) {
        if (latestEntry(execution, def.externalId)) continue;
        if (def.dependsOn.every((d) => isDone(latestEntry(execution, d.externalId)))) {
          this.start(execution, def, 0);
          progressed = true;
        }
      }
    }
    if (
      execution.summary.status === "RUNNING" &&
      tasks.every((def) => isDone(latestEntry(execution, def.externalId)))
    ) {
      this.finish(execution, "COMPLETED", null);
    }
  }

  private start(execution: ExecutionRecord, definition: TaskDefinition, attempt: number): void {
    const id = crypto.randomUUID();
    const now = this.clock.now();
    const isAsync = definition.parameters.isAsyncComplete;
    const data = structuredClone(definition.parameters.function.data ?? {});
    if (isAsync) data.cogniteOrchestrationTaskId = id;
    const entry: TaskExecution = {
      id,
      externalId: definition.externalId,
      status: isAsync ? "IN_PROGRESS" : "COMPLETED",
      taskType: "function",
      input: {
        function: { externalId: definition.parameters.function.externalId, data },
        isAsyncComplete: isAsync,
      },
      output: {
        callId: ++this.callSeq,
        functionId: functionIdOf(definition.parameters.function.externalId),
        response: {},
      },
      parentTaskExternalId: null,
      startTime: now,
      endTime: isAsync ? null : now,
      reasonForIncompletion: null,
    };
    const record: TaskRecord = { execution, definition, attempt, entry };
    execution.tasks.push(record);
    this.tasks.set(id, record);
  }

  /** A task failed for good: `skipTask` lets the workflow go on, `abortWorkflow` fails it. */
  private giveUp(record: TaskRecord): void {
    if (record.definition.onFailure === "skipTask") {
      record.entry.status = "COMPLETED_WITH_ERRORS";
      this.advance(record.execution);
      return;
    }
    this.finish(record.execution, "FAILED", `Task '${record.entry.externalId}' failed.`);
  }

  private finish(execution: ExecutionRecord, status: ExecutionStatus, reason: string | null): void {
    const now = this.clock.now();
    execution.summary.status = status;
    execution.summary.endTime = now;
    execution.summary.reasonForIncompletion = reason;
    for (const task of execution.tasks) {
      if (task.entry.status === "IN_PROGRESS") {
        task.entry.status = "CANCELED";
        task.entry.endTime = now;
        task.entry.reasonForIncompletion = reason;
      }
    }
  }
}

function versionKey(workflowExternalId: string, version: string): string {
  return JSON.stringify([workflowExternalId, version]);
}

function latestEntry(execution: ExecutionRecord, externalId: string): TaskExecution | undefined {
  for (let i = execution.tasks.length - 1; i >= 0; i--) {
    const task = execution.tasks[i]!;
    if (task.entry.externalId === externalId) return task.entry;
  }
  return undefined;
}

function isDone(entry: TaskExecution | undefined): boolean {
  return entry?.status === "COMPLETED" || entry?.status === "COMPLETED_WITH_ERRORS";
}

function detailOf(record: ExecutionRecord): WorkflowExecutionDetail {
  return structuredClone({
    ...record.summary,
    input: record.input,
    workflowDefinition: record.version.workflowDefinition,
    executedTasks: record.tasks.map((t) => t.entry),
  });
}

function matchesFilter(execution: WorkflowExecution, filter: ExecutionFilter): boolean {
  if (
    filter.workflowFilters?.length &&
    !filter.workflowFilters.some(
      (f) =>
        f.externalId === execution.workflowExternalId &&
        (f.version === undefined || f.version === execution.version),
    )
  ) {
    return false;
  }
  if (filter.status?.length && !filter.status.includes(execution.status)) return false;
  if (filter.createdTimeStart !== undefined && execution.createdTime < filter.createdTimeStart) return false;
  if (filter.createdTimeEnd !== undefined && execution.createdTime > filter.createdTimeEnd) return false;
  return true;
}

function decodeCursor(cursor: string): number {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    // fall through to the error below
  }
  const match = /^offset:(\d+)$/.exec(text);
  if (!match) throw new CdfHttpError(400, "Invalid cursor.");
  return Number(match[1]);
}

export function notFoundExecution(id: string): CdfHttpError {
  return new CdfHttpError(404, `Workflow execution '${id}' not found.`, { extras: { missing: [{ id }] } });
}

/** A stable numeric id per function externalId, standing in for CDF's function id. */
function functionIdOf(externalId: string): number {
  let h = 0;
  for (let i = 0; i < externalId.length; i++) h = (Math.imul(h, 31) + externalId.charCodeAt(i)) >>> 0;
  return (h % 9_000_000) + 1_000_000;
}
