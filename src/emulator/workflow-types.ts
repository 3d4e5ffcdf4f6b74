/**
 * The shapes the emulator stores and answers with, spelled as CDF spells them (cdf-api.md).
 * Definitions are kept normalized (defaults filled in), as CDF echoes them back.
 */

export type TaskExecutionStatus =
  | "IN_PROGRESS"
  | "CANCELED"
  | "FAILED"
  | "FAILED_WITH_TERMINAL_ERROR"
  | "COMPLETED"
  | "COMPLETED_WITH_ERRORS"
  | "SCHEDULED"
  | "TIMED_OUT"
  | "SKIPPED";

/** Cancel sets `TERMINATED`, as CDF's "cancel a workflow execution" documents. */
export type ExecutionStatus = "RUNNING" | "COMPLETED" | "FAILED" | "TIMED_OUT" | "TERMINATED";

export type OnFailure = "abortWorkflow" | "skipTask";

export interface FunctionTaskParameters {
  function: { externalId: string; data?: Record<string, unknown> };
  isAsyncComplete: boolean;
}

export interface TaskDefinition {
  externalId: string;
  type: "function";
  name?: string;
  description?: string;
  parameters: FunctionTaskParameters;
  /** How many times a FAILED task is started again; CDF's default is 3 (range 0–10). */
  retries: number;
  timeout: number;
  onFailure: OnFailure;
  dependsOn: { externalId: string }[];
}

export interface WorkflowDefinition {
  hash: string;
  description?: string;
  tasks: TaskDefinition[];
}

export interface Workflow {
  externalId: string;
  description?: string;
  createdTime: number;
  lastUpdatedTime: number;
}

export interface WorkflowVersion {
  workflowExternalId: string;
  version: string;
  workflowDefinition: WorkflowDefinition;
  createdTime: number;
  lastUpdatedTime: number;
}

/** One entry of `executedTasks`; retries add entries that share an `externalId`. */
export interface TaskExecution {
  id: string;
  externalId: string;
  status: TaskExecutionStatus;
  taskType: "function";
  input: {
    function: { externalId: string; data: Record<string, unknown> };
    isAsyncComplete: boolean;
  };
  output: Record<string, unknown>;
  parentTaskExternalId: null;
  startTime: number;
  endTime: number | null;
  reasonForIncompletion: string | null;
}

/** What run, cancel and list answer with (no tasks, no definition). */
export interface WorkflowExecution {
  id: string;
  workflowExternalId: string;
  version: string;
  status: ExecutionStatus;
  engineExecutionId: string;
  createdTime: number;
  startTime: number;
  endTime: number | null;
  reasonForIncompletion: string | null;
  metadata: Record<string, string>;
}

/** `GET /workflows/executions/{id}`. */
export interface WorkflowExecutionDetail extends WorkflowExecution {
  input: Record<string, unknown>;
  workflowDefinition: WorkflowDefinition;
  executedTasks: TaskExecution[];
}
