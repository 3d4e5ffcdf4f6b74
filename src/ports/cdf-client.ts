import type { TaskExecution, WorkflowExecutionDetail } from "../core/task-execution.js";
import type { TaskUpdate } from "../core/task-status.js";

export type { TaskExecution, WorkflowExecutionDetail };

export interface CdfCallResult<T> {
  value: T;
  requestId?: string;
  /** How many HTTP attempts the call took (1 = first try). */
  attempts: number;
  /** How many of those CDF refused with 429 before one went through (absent: none). */
  throttled?: number;
}

/** The slice of the CDF API taskgate relies on (see cdf-api.md). */
export interface CdfClient {
  /** POST /workflows/tasks/{taskId}/update. Throws CdfError on failure (after its own retries). */
  updateTask(taskId: string, update: TaskUpdate, signal?: AbortSignal): Promise<CdfCallResult<TaskExecution>>;
  /** GET /workflows/executions/{executionId}. Throws CdfError on failure. */
  retrieveExecution(
    executionId: string,
    signal?: AbortSignal,
  ): Promise<CdfCallResult<WorkflowExecutionDetail>>;
}
