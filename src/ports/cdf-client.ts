import type { TaskUpdate } from "../core/task-status.js";

/** A task execution as CDF returns it (unknown fields are kept; unknown enum values tolerated). */
export interface TaskExecution {
  id: string;
  externalId: string;
  status: string;
  taskType?: string;
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;
  startTime?: number | null;
  endTime?: number | null;
  reasonForIncompletion?: string | null;
  [key: string]: unknown;
}

export interface WorkflowExecutionDetail {
  id: string;
  workflowExternalId: string;
  version?: string;
  status: string;
  executedTasks: TaskExecution[];
  [key: string]: unknown;
}

export interface CdfCallResult<T> {
  value: T;
  requestId?: string;
  /** How many HTTP attempts the call took (1 = first try). */
  attempts: number;
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
