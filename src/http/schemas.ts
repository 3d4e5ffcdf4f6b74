import * as z from "zod";
import { parseDuration } from "../core/duration.js";
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
export const TtlSchema = z.union([z.string(), z.number().int().positive()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : "invalid duration" });
    return z.NEVER;
  }
});

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
    taskId: TaskIdSchema.optional(),
    executionId: z.string().min(1).max(255).optional(),
    taskExternalId: key.optional(),
    source: key.optional(),
    correlationKey: z.string().min(1).max(1024).optional(),
    expiresAt: z.number().int().positive().optional(),
    ttl: TtlSchema.optional(),
    output: jsonObject.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /** A second open wait or approval on the same task is refused unless this says it is meant. */
    allowMultiple: z.boolean().optional(),
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

export const DeliveryQuerySchema = z
  .object({
    status: z.enum(["pending", "delivered", "dead", "parked", "ignored", "expired"]).optional(),
    waitId: z.string().optional(),
    source: z.string().min(1).max(255).optional(),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** POST /v1/callbacks/:token; an empty body means COMPLETED with no output. */
export const CallbackBodySchema = z
  .object({
    status: UpdateStatusSchema.optional(),
    output: jsonObject.optional(),
  })
  .strict();
