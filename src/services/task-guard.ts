import { isCdfError } from "../core/cdf-error.js";
import { TaskgateError } from "../core/errors.js";
import { findTaskExecution } from "../core/find-task-execution.js";
import { isAsyncComplete, type TaskExecution } from "../core/task-execution.js";
import type { ServiceDeps } from "./deps.js";

/** How a wait or approval names its task, and whether it may share it with others. */
export interface TaskRef {
  taskId?: string | undefined;
  executionId?: string | undefined;
  taskExternalId?: string | undefined;
  /** Lets a second open wait or approval join the task (otherwise `task_already_waited`). */
  allowMultiple?: boolean | undefined;
}

/**
 * The task a new wait or approval is for, refused when that work could only end in a dead letter.
 * With an execution named, CDF is asked first: the task must be there, IN_PROGRESS and
 * async-complete. CDF cannot be read by task id alone, so a bare `taskId` is checked only against
 * what taskgate knows: an update it delivered for the task, and the waits and approvals on it.
 * The check and the insert that follows are two steps: two racing requests can both pass.
 */
export async function openTaskFor(
  deps: ServiceDeps,
  ref: TaskRef,
): Promise<{ taskId: string; taskExternalId: string | null }> {
  let taskId = ref.taskId;
  let taskExternalId = ref.taskExternalId ?? null;
  if (ref.executionId !== undefined) {
    const task = await taskInExecution(deps, ref.executionId, ref);
    assertTakesUpdates(task);
    taskId = task.id;
    taskExternalId = task.externalId;
  }
  if (taskId === undefined) throw new Error("a task ref names a taskId or an executionId");

  const activity = await deps.store.taskActivity(taskId, deps.clock.now());
  if (activity.delivered) {
    const { status, deliveredAt, deliveryId } = activity.delivered;
    throw new TaskgateError(
      "task_not_in_progress",
      `taskgate already delivered ${status} for task ${taskId} (at ${new Date(deliveredAt).toISOString()}); CDF would refuse another update`,
      { details: { taskId, status, deliveryId } },
    );
  }
  const open = activity.openWaits + activity.pendingApprovals;
  if (open > 0 && ref.allowMultiple !== true) {
    throw new TaskgateError(
      "task_already_waited",
      `task ${taskId} already has ${describeOpen(activity.openWaits, activity.pendingApprovals)}; only the first to finish can update it (say "allowMultiple": true if that is intended)`,
      { details: { taskId, openWaits: activity.openWaits, pendingApprovals: activity.pendingApprovals } },
    );
  }
  return { taskId, taskExternalId };
}

function describeOpen(waits: number, approvals: number): string {
  const parts: string[] = [];
  if (waits > 0) parts.push(`${waits} open wait${waits === 1 ? "" : "s"}`);
  if (approvals > 0) parts.push(`${approvals} pending approval${approvals === 1 ? "" : "s"}`);
  return parts.join(" and ");
}

/** Only an IN_PROGRESS, async-complete task takes an update; anything else ends in a dead letter. */
function assertTakesUpdates(task: TaskExecution): void {
  if (task.status !== "IN_PROGRESS") {
    throw new TaskgateError(
      "task_not_in_progress",
      `CDF says task ${task.id} ("${task.externalId}") is ${task.status}, not IN_PROGRESS`,
      { details: { taskId: task.id, status: task.status } },
    );
  }
  if (isAsyncComplete(task) === false) {
    throw new TaskgateError(
      "task_not_in_progress",
      `task ${task.id} ("${task.externalId}") is not async-complete (isAsyncComplete: false): CDF completes it by itself and refuses updates`,
      { details: { taskId: task.id, status: task.status, isAsyncComplete: false } },
    );
  }
}

/** The task in execution `executionId`: by id when given, else by externalId (IN_PROGRESS first). */
async function taskInExecution(deps: ServiceDeps, executionId: string, ref: TaskRef): Promise<TaskExecution> {
  try {
    const { value } = await deps.cdf.retrieveExecution(executionId);
    const task =
      ref.taskId !== undefined
        ? value.executedTasks.find((t) => t.id === ref.taskId)
        : findTaskExecution(value, ref.taskExternalId ?? "");
    if (!task) {
      const named = ref.taskId ?? `"${ref.taskExternalId}"`;
      throw new TaskgateError("task_not_found", `execution ${executionId} has no task ${named}`);
    }
    return task;
  } catch (err) {
    if (!isCdfError(err)) throw err;
    if (err.failure.status === 404 || err.failure.status === 400) {
      throw new TaskgateError(
        "task_not_found",
        `CDF does not know execution ${executionId}: ${err.failure.message}`,
      );
    }
    throw new TaskgateError("cdf_unavailable", "could not read the execution from CDF; try again", {
      details: { cdfStatus: err.failure.status ?? null, cdfRequestId: err.failure.requestId ?? null },
      cause: err,
    });
  }
}
