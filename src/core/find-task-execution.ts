import type { TaskExecution, WorkflowExecutionDetail } from "./task-execution.js";

/**
 * Maps a task's externalId to its execution within a workflow run. After retries several entries
 * share the externalId: the one still IN_PROGRESS is the one that can take an update, else the
 * latest to start is the current state. Undefined when the task has not run.
 */
export function findTaskExecution(
  detail: Pick<WorkflowExecutionDetail, "executedTasks">,
  taskExternalId: string,
): TaskExecution | undefined {
  let best: TaskExecution | undefined;
  for (const task of detail.executedTasks) {
    if (task.externalId !== taskExternalId) continue;
    if (best === undefined || ranksAbove(task, best)) best = task;
  }
  return best;
}

function ranksAbove(a: TaskExecution, b: TaskExecution): boolean {
  const aLive = a.status === "IN_PROGRESS";
  const bLive = b.status === "IN_PROGRESS";
  if (aLive !== bLive) return aLive;
  // Ties (or missing start times) go to the later entry, which CDF lists after earlier attempts.
  return (a.startTime ?? Number.NEGATIVE_INFINITY) >= (b.startTime ?? Number.NEGATIVE_INFINITY);
}
