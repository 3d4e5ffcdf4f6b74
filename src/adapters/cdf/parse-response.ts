import * as z from "zod";
import type { TaskExecution, WorkflowExecutionDetail } from "../../ports/cdf-client.js";

const JsonObject = z.record(z.string(), z.unknown());

// Loose objects keep fields we do not know yet; statuses and task types stay plain strings so a
// value CDF adds tomorrow does not break today's gateway.
const TaskExecutionSchema = z.looseObject({
  id: z.string(),
  externalId: z.string(),
  status: z.string(),
  taskType: z.string().nullish(),
  input: JsonObject.nullish(),
  output: JsonObject.nullish(),
  startTime: z.number().nullish(),
  endTime: z.number().nullish(),
  reasonForIncompletion: z.string().nullish(),
});

const WorkflowExecutionDetailSchema = z.looseObject({
  id: z.string(),
  workflowExternalId: z.string(),
  version: z.union([z.string(), z.number()]).nullish(),
  status: z.string(),
  executedTasks: z.array(TaskExecutionSchema).nullish(),
});

/** Thrown when a 2xx body is not what CDF documents; the client turns it into a CdfError. */
export class UnexpectedResponseError extends Error {
  constructor(what: string, issues: string) {
    super(`unexpected ${what} in CDF's answer: ${issues}`);
    this.name = "UnexpectedResponseError";
  }
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

function normalizeTask(raw: z.infer<typeof TaskExecutionSchema>): TaskExecution {
  const { taskType, input, output, ...rest } = raw;
  const task: TaskExecution = { ...rest };
  if (taskType != null) task.taskType = taskType;
  if (input != null) {
    // Responses spell the flag `isAsyncComplete` or `asyncComplete`; expose one name.
    const flag = input.isAsyncComplete ?? input.asyncComplete;
    task.input =
      typeof flag === "boolean" && input.isAsyncComplete !== flag
        ? { ...input, isAsyncComplete: flag }
        : input;
  }
  if (output != null) task.output = output;
  return task;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const nullishOr = (v: unknown, is: (v: unknown) => boolean): boolean =>
  v === undefined || v === null || is(v);
const isFiniteNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);

/**
 * What the schema accepts, checked without copying: the update endpoint's answer is parsed once
 * per forwarded delivery, and the schema's copy of every field (and of `input` and `output`
 * key by key) cost ~25 µs of each forward. Anything this does not accept goes through the
 * schema, which either accepts it after all or says what is wrong.
 */
function isPlainTask(body: unknown): body is z.infer<typeof TaskExecutionSchema> {
  return (
    isObject(body) &&
    isString(body.id) &&
    isString(body.externalId) &&
    isString(body.status) &&
    nullishOr(body.taskType, isString) &&
    nullishOr(body.input, isObject) &&
    nullishOr(body.output, isObject) &&
    nullishOr(body.startTime, isFiniteNumber) &&
    nullishOr(body.endTime, isFiniteNumber) &&
    nullishOr(body.reasonForIncompletion, isString)
  );
}

/** A task execution (the update endpoint's answer, or an `executedTasks` entry). */
export function parseTaskExecution(body: unknown): TaskExecution {
  return isPlainTask(body) ? normalizeTask(body) : parseTaskWithSchema(body);
}

/** `parseTaskExecution` through the schema alone (exported for the test that compares the two). */
export function parseTaskWithSchema(body: unknown): TaskExecution {
  const result = TaskExecutionSchema.safeParse(body);
  if (!result.success) throw new UnexpectedResponseError("task execution", summarize(result.error));
  return normalizeTask(result.data);
}

/** A workflow execution detail; `executedTasks` is always an array afterwards. */
export function parseWorkflowExecutionDetail(body: unknown): WorkflowExecutionDetail {
  const result = WorkflowExecutionDetailSchema.safeParse(body);
  if (!result.success) throw new UnexpectedResponseError("workflow execution", summarize(result.error));
  const { version, executedTasks, ...rest } = result.data;
  const detail: WorkflowExecutionDetail = {
    ...rest,
    executedTasks: (executedTasks ?? []).map(normalizeTask),
  };
  if (version != null) detail.version = String(version);
  return detail;
}

/** Moved to core, where services read it too. */
export { isAsyncComplete } from "../../core/task-execution.js";
