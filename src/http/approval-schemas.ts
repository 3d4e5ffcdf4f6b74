import * as z from "zod";
import { TaskIdSchema } from "../core/task-status.js";
import {
  EXECUTION_ID_WORDS,
  refineTaskAndLifetime,
  TASK_EXTERNAL_ID_WORDS,
  TASK_ID_WORDS,
  TtlSchema,
} from "./schemas.js";

/** Most approvers on one approval: every decision travels in the task output (≤ 100 KB). */
const MAX_APPROVERS = 25;
const MAX_DESCRIPTION_LENGTH = 10_000;

/** Names and titles end up in mail headers and pages: one line, no control characters. */
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/\p{Cc}/u.test(s), "must be one line without control characters");

const ApproverSchema = z
  .object({
    email: z.email().max(320),
    name: oneLine(200).optional(),
  })
  .strict();

/** Who asks: shown in the mail and on the page, so an approver knows whom to ask about it. */
const RequesterSchema = z
  .object({
    name: oneLine(200).optional(),
    email: z.email().max(320).optional(),
  })
  .strict()
  .refine((r) => r.name !== undefined || r.email !== undefined, "give a name, an email or both");

const PolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("any") }).strict(),
  z.object({ kind: z.literal("all") }).strict(),
  z.object({ kind: z.literal("quorum"), count: z.number().int().min(1).max(MAX_APPROVERS) }).strict(),
]);

/** POST /v1/approvals (DESIGN §4). */
export const CreateApprovalSchema = z
  .object({
    taskId: TaskIdSchema.optional().describe(TASK_ID_WORDS),
    executionId: z.string().min(1).max(255).optional().describe(EXECUTION_ID_WORDS),
    taskExternalId: z.string().min(1).max(255).optional().describe(TASK_EXTERNAL_ID_WORDS),
    title: oneLine(200).describe("one line, shown in the mail's subject and on the page"),
    description: z
      .string()
      .max(MAX_DESCRIPTION_LENGTH)
      .optional()
      .describe("plain text or simple Markdown (paragraphs, lists, emphasis, code, https links)"),
    requestedBy: RequesterSchema.optional().describe("who asks, so approvers know whom to ask about it"),
    approvers: z.array(ApproverSchema).min(1).max(MAX_APPROVERS),
    policy: PolicySchema.default({ kind: "any" }).describe("how decisions become the outcome (default: any)"),
    expiresAt: z.number().int().positive().optional().describe("epoch milliseconds (give this or ttl)"),
    ttl: TtlSchema.optional(),
    onReject: z
      .enum(["fail", "complete"])
      .optional()
      .describe("what a rejection sends to CDF: FAILED_WITH_TERMINAL_ERROR (fail, the default) or COMPLETED"),
    onExpire: z
      .enum(["fail", "complete"])
      .optional()
      .describe("what an expiry sends to CDF (default: approvals.onExpire in the config)"),
    notify: z
      .boolean()
      .optional()
      .describe("mail each approver their link (default: when mail is configured)"),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("kept with the approval, never sent to CDF"),
    allowMultiple: z
      .boolean()
      .optional()
      .describe("allow a second open wait or approval on the same task (refused with 409 otherwise)"),
  })
  .strict()
  .superRefine(refineTaskAndLifetime);

export const ApprovalQuerySchema = z
  .object({
    status: z.enum(["pending", "approved", "rejected", "expired", "cancelled"]).optional(),
    taskId: z.string().optional(),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
