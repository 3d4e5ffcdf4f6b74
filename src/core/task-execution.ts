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

/**
 * Whether a task completes asynchronously (waits for an update), reading either spelling at the
 * top level or in `input`; undefined when CDF did not say.
 */
export function isAsyncComplete(task: TaskExecution): boolean | undefined {
  const candidates = [
    task.isAsyncComplete,
    task.asyncComplete,
    task.input?.isAsyncComplete,
    task.input?.asyncComplete,
  ];
  for (const value of candidates) if (typeof value === "boolean") return value;
  return undefined;
}
