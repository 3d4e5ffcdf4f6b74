import * as z from "zod";

/** The statuses CDF accepts on "update task status"; nothing else is ever sent. */
export const UPDATE_STATUSES = ["COMPLETED", "FAILED", "FAILED_WITH_TERMINAL_ERROR"] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
export const UpdateStatusSchema = z.enum(UPDATE_STATUSES);

/** A task execution id: CDF insists on exactly 36 characters (a UUID). */
export const TaskIdSchema = z
  .string()
  .length(36, "must be the 36-character task execution id (data['cogniteOrchestrationTaskId'])");

/** The body of a CDF task update. */
export interface TaskUpdate {
  status: UpdateStatus;
  output?: Record<string, unknown>;
}
