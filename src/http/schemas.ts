import * as z from "zod";
import { parseDuration } from "../core/duration.js";
import { ERROR_STATUS, type ErrorCode } from "../core/errors.js";
import { findNull } from "../core/output.js";
import { TaskIdSchema, UpdateStatusSchema } from "../core/task-status.js";

/** A JSON object bound for CDF's task output: no `null` anywhere, since CDF refuses those. */
const jsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const at = findNull(value);
  if (at) {
    ctx.addIssue({
      code: "custom",
      path: at,
      message: "null values are not allowed (CDF refuses them); leave the key out instead",
    });
  }
});
const key = z.string().min(1).max(255);

/** A lifetime: "30m", "24h", "7d" or milliseconds, as milliseconds. */
export const TtlSchema = z
  .union([z.string(), z.number().int().positive()])
  .transform((v, ctx) => {
    try {
      return parseDuration(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : "invalid duration" });
      return z.NEVER;
    }
  })
  .describe('a lifetime from now: "30m", "24h", "7d", or milliseconds (give this or expiresAt)');

/** How the reference explains a task's names (waits and approvals take the same ones). */
export const TASK_ID_WORDS =
  "the task execution id: data['cogniteOrchestrationTaskId'] in the Function (or give executionId and taskExternalId)";
export const EXECUTION_ID_WORDS =
  "the workflow execution id; with taskExternalId, it is resolved through CDF";
export const TASK_EXTERNAL_ID_WORDS = "the task's external id in the workflow definition";

/** Waits and approvals name their task and lifetime the same way. */
export function refineTaskAndLifetime(
  v: {
    taskId?: unknown;
    executionId?: unknown;
    taskExternalId?: unknown;
    expiresAt?: unknown;
    ttl?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  if (v.taskId === undefined && (v.executionId === undefined || v.taskExternalId === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["taskId"],
      message: "give taskId (data['cogniteOrchestrationTaskId']), or executionId and taskExternalId",
    });
  }
  if (v.expiresAt !== undefined && v.ttl !== undefined) {
    ctx.addIssue({ code: "custom", path: ["ttl"], message: "give expiresAt or ttl, not both" });
  }
}

/** POST /v1/waits: `taskId`, or `executionId` + `taskExternalId` resolved through CDF. */
export const CreateWaitSchema = z
  .object({
    taskId: TaskIdSchema.optional().describe(TASK_ID_WORDS),
    executionId: z.string().min(1).max(255).optional().describe(EXECUTION_ID_WORDS),
    taskExternalId: key.optional().describe(TASK_EXTERNAL_ID_WORDS),
    source: key.optional().describe("a configured webhook source whose webhook completes the task"),
    correlationKey: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .describe("the key the source's mapping extracts from the webhook that completes the task"),
    expiresAt: z.number().int().positive().optional().describe("epoch milliseconds (give this or ttl)"),
    ttl: TtlSchema.optional(),
    output: jsonObject.optional().describe("an output template: the result's output is merged over it"),
    metadata: z.record(z.string(), z.unknown()).optional().describe("kept with the wait, never sent to CDF"),
    allowMultiple: z
      .boolean()
      .optional()
      .describe("allow a second open wait or approval on the same task (refused with 409 otherwise)"),
  })
  .strict()
  .superRefine((v, ctx) => {
    refineTaskAndLifetime(v, ctx);
    if ((v.source === undefined) !== (v.correlationKey === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["correlationKey"],
        message: "source and correlationKey go together",
      });
    }
  });

export const WaitQuerySchema = z
  .object({
    status: z.enum(["open", "closed", "cancelled", "expired"]).optional(),
    source: key.optional(),
    taskId: z.string().optional(),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const epochMsQuery = (what: string) =>
  z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe(what);

export const DeliveryQuerySchema = z
  .object({
    status: z.enum(["pending", "delivered", "dead", "parked", "ignored", "expired"]).optional(),
    waitId: z.string().optional(),
    source: z.string().min(1).max(255).optional(),
    since: epochMsQuery("only deliveries that arrived at or after this instant (epoch ms)"),
    until: epochMsQuery("only deliveries that arrived before this instant (epoch ms)"),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** GET /v1/rejections: filters, newest first, cursor-paginated. */
export const RejectionQuerySchema = z
  .object({
    source: z.string().min(1).max(255).optional().describe("only rejections of this source"),
    code: z
      .enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]])
      .optional()
      .describe("only rejections with this error code"),
    since: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe("only rejections at or after this instant (epoch ms)"),
    cursor: z
      .string()
      .regex(/^\d{1,16}_[0-9a-f-]{36}$/, "use the nextCursor of the previous page")
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const epochMsBody = (what: string) =>
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe(what);

/** POST /v1/deliveries/replay: which dead (or delivered) deliveries to queue again. */
export const BulkReplaySchema = z
  .object({
    filter: z
      .object({
        status: z.enum(["dead", "delivered"]).describe("dead letters, or deliveries CDF already took"),
        source: key.optional().describe("only this source's webhooks"),
        since: epochMsBody("only deliveries that arrived at or after this instant (epoch ms)"),
        until: epochMsBody("only deliveries that arrived before this instant (epoch ms)"),
      })
      .strict(),
    dryRun: z.boolean().default(false).describe("count what would be queued; queue nothing"),
  })
  .strict();

/** POST /v1/callbacks/:token; an empty body means COMPLETED with no output. */
export const CallbackBodySchema = z
  .object({
    status: UpdateStatusSchema.optional(),
    output: jsonObject.optional(),
  })
  .strict();
