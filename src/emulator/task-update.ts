import { CdfHttpError } from "./cdf-errors.js";
import { parseJsonBody } from "./request-schemas.js";

const TASK_UPDATE_STATUSES = ["COMPLETED", "FAILED", "FAILED_WITH_TERMINAL_ERROR"] as const;
export type TaskUpdateStatus = (typeof TASK_UPDATE_STATUSES)[number];

export interface TaskUpdateBody {
  status: TaskUpdateStatus;
  output?: Record<string, unknown>;
}

/** CDF's limit on an update's `output`: 100 KB of serialized UTF-8. */
export const MAX_OUTPUT_BYTES = 100 * 1024;

/** CDF insists on the 36-character task execution id, never the task's externalId. */
export function assertTaskId(taskId: string): void {
  if (taskId.length !== 36) {
    throw new CdfHttpError(
      400,
      `Invalid taskId '${taskId.slice(0, 64)}': must be the 36-character task execution id.`,
    );
  }
}

/**
 * The request-level checks of "update task status" (cdf-api.md), in the order a gateway applies
 * them: JSON, no `null`s, known fields, a valid status, an object `output` within 100 KB. The
 * checks that need the task (404, not async, not IN_PROGRESS) are the engine's.
 */
export function parseTaskUpdate(text: string): TaskUpdateBody {
  const body = parseJsonBody(text, { rejectNulls: true }) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key !== "status" && key !== "output") {
      throw new CdfHttpError(400, `Unrecognized field '${key}'; expected 'status' and optional 'output'.`);
    }
  }
  const status = body.status;
  if (status === undefined) throw new CdfHttpError(400, "Missing required field 'status'.");
  if (typeof status !== "string" || !isUpdateStatus(status)) {
    throw new CdfHttpError(
      400,
      `Invalid status ${JSON.stringify(status)}; must be one of ${TASK_UPDATE_STATUSES.join(", ")}.`,
    );
  }
  const update: TaskUpdateBody = { status };
  if ("output" in body) {
    const output = body.output;
    if (typeof output !== "object" || output === null || Array.isArray(output)) {
      throw new CdfHttpError(400, "'output' must be a JSON object.");
    }
    const bytes = new TextEncoder().encode(JSON.stringify(output)).length;
    if (bytes > MAX_OUTPUT_BYTES) {
      throw new CdfHttpError(
        400,
        `'output' is ${bytes} bytes; the maximum is ${MAX_OUTPUT_BYTES} bytes (100 KB).`,
      );
    }
    update.output = output as Record<string, unknown>;
  }
  return update;
}

function isUpdateStatus(value: string): value is TaskUpdateStatus {
  return (TASK_UPDATE_STATUSES as readonly string[]).includes(value);
}
