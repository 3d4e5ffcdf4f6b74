import { CdfHttpError } from "./cdf-errors.js";
import type { AdminTaskInput, TaskDefinitionInput } from "./request-schemas.js";
import type { TaskDefinition, WorkflowDefinition } from "./workflow-types.js";

/** CDF's documented defaults for a task definition. */
const TASK_DEFAULTS = { retries: 3, timeout: 3600, onFailure: "abortWorkflow" } as const;

/** The function the admin shortcut's tasks call when none is named. */
const ADMIN_DEFAULT_FUNCTION = "emulator-function";

/**
 * Checks a workflow definition the way CDF would refuse it (unsupported task type, duplicate
 * task externalIds, unknown or cyclic `dependsOn`) and fills in CDF's defaults.
 */
export function normalizeDefinition(tasks: TaskDefinitionInput[], description?: string): WorkflowDefinition {
  const normalized = tasks.map(normalizeTask);
  const ids = new Set<string>();
  for (const task of normalized) {
    if (ids.has(task.externalId)) {
      throw new CdfHttpError(400, `Task externalId '${task.externalId}' is used more than once.`, {
        extras: { duplicated: [{ externalId: task.externalId }] },
      });
    }
    ids.add(task.externalId);
  }
  for (const task of normalized) {
    for (const dep of task.dependsOn) {
      if (!ids.has(dep.externalId)) {
        throw new CdfHttpError(
          400,
          `Task '${task.externalId}' depends on '${dep.externalId}', which is not a task of this workflow.`,
        );
      }
    }
  }
  assertAcyclic(normalized);
  const definition: WorkflowDefinition = { hash: "", tasks: normalized };
  if (description !== undefined) definition.description = description;
  definition.hash = hashOf(definition.tasks);
  return definition;
}

/** The admin shortcut: `type` defaults to function; omitted `parameters` make an async task. */
export function adminTasksToInput(tasks: AdminTaskInput[] | undefined): TaskDefinitionInput[] {
  const list = tasks ?? [{ externalId: "await-callback" }];
  return list.map((task) => ({
    ...task,
    type: task.type ?? "function",
    parameters: task.parameters ?? {
      function: { externalId: ADMIN_DEFAULT_FUNCTION },
      isAsyncComplete: true,
    },
  }));
}

function normalizeTask(input: TaskDefinitionInput): TaskDefinition {
  if (input.type !== "function") {
    throw new CdfHttpError(
      400,
      `Task '${input.externalId}' has type '${input.type}'; the emulator runs only 'function' tasks.`,
    );
  }
  const fn: TaskDefinition["parameters"]["function"] = { externalId: input.parameters.function.externalId };
  if (input.parameters.function.data !== undefined) fn.data = input.parameters.function.data;
  const task: TaskDefinition = {
    externalId: input.externalId,
    type: "function",
    parameters: { function: fn, isAsyncComplete: input.parameters.isAsyncComplete ?? false },
    retries: input.retries ?? TASK_DEFAULTS.retries,
    timeout: input.timeout ?? TASK_DEFAULTS.timeout,
    onFailure: input.onFailure ?? TASK_DEFAULTS.onFailure,
    dependsOn: (input.dependsOn ?? []).map((d) => ({ externalId: d.externalId })),
  };
  if (input.name !== undefined) task.name = input.name;
  if (input.description !== undefined) task.description = input.description;
  return task;
}

function assertAcyclic(tasks: TaskDefinition[]): void {
  const byId = new Map(tasks.map((t) => [t.externalId, t]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string): void => {
    const seen = state.get(id);
    if (seen === "done") return;
    if (seen === "visiting") {
      throw new CdfHttpError(400, `The dependsOn graph has a cycle through task '${id}'.`);
    }
    state.set(id, "visiting");
    for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep.externalId);
    state.set(id, "done");
  };
  for (const task of tasks) visit(task.externalId);
}

/** A stable fingerprint of a definition (FNV-1a), standing in for CDF's `hash`. */
function hashOf(value: unknown): string {
  const text = JSON.stringify(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).toUpperCase().padStart(8, "0");
}
