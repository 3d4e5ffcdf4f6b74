import * as z from "zod";
import { UpdateStatusSchema } from "../core/task-status.js";

/**
 * The shapes the API answers with, as zod schemas. The view functions (views.ts,
 * approval-views.ts) are typed by them, so a field added to a view without its schema does not
 * compile; the OpenAPI document is generated from them, so the docs cannot drift either; and a
 * test checks real responses against the document.
 */

const epochMs = z.number().int().describe("epoch milliseconds");
const maybeEpochMs = z.number().int().nullable().describe("epoch milliseconds, or null");
const jsonObject = z.record(z.string(), z.unknown());

/** A page of a list, newest first; pass `nextCursor` as `cursor` for the next one (null on the last). */
function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("the `cursor` of the next page; null on the last page"),
  });
}

export const WaitViewSchema = z.object({
  id: z.string(),
  taskId: z.string().describe("the CDF task execution id the wait completes"),
  executionId: z.string().nullable(),
  taskExternalId: z.string().nullable(),
  source: z.string().nullable().describe("the webhook source that closes it (null: only the callback URL)"),
  correlationKey: z.string().nullable(),
  status: z.enum(["open", "closed", "cancelled", "expired"]),
  output: jsonObject.nullable().describe("output template merged under the callback's output"),
  metadata: jsonObject.nullable(),
  createdAt: epochMs,
  expiresAt: epochMs,
  closedAt: maybeEpochMs,
  deliveryId: z.string().nullable().describe("the delivery that closed the wait"),
});

export const WaitCreatedSchema = WaitViewSchema.extend({
  callbackUrl: z
    .string()
    .describe("POST here to complete the task (a signed URL: a bearer credential, keep it secret)"),
  detail: z
    .string()
    .optional()
    .describe("why, in words, when a webhook parked for the same source and key closed the wait at once"),
});

export const WaitListSchema = page(WaitViewSchema);

const TaskUpdateSchema = z
  .object({ status: UpdateStatusSchema, output: jsonObject.optional() })
  .describe("the task update sent to CDF");

export const AttemptViewSchema = z.object({
  attempt: z.number().int(),
  startedAt: epochMs,
  finishedAt: epochMs,
  outcome: z.enum(["delivered", "reconciled", "retry", "dead"]),
  httpStatus: z.number().int().nullable().describe("CDF's HTTP status (null: no answer)"),
  requestId: z.string().nullable().describe("CDF's x-request-id"),
  error: z.string().nullable(),
});

export const DeliveryViewSchema = z.object({
  id: z.string(),
  waitId: z.string().nullable(),
  taskId: z.string().nullable(),
  executionId: z.string().nullable(),
  source: z.string().nullable(),
  correlationKey: z.string().nullable(),
  dedupeKey: z.string().nullable(),
  status: z.enum(["pending", "delivered", "dead", "parked", "ignored", "expired"]),
  reason: z.string().nullable().describe("why an ignored webhook was ignored"),
  parkUntil: maybeEpochMs,
  update: TaskUpdateSchema,
  attempts: z.number().int(),
  nextAttemptAt: maybeEpochMs.describe("when the next attempt is due (pending deliveries only)"),
  deliverUntil: epochMs,
  lastError: z.string().nullable(),
  lastStatus: z.number().int().nullable(),
  lastRequestId: z.string().nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
  deliveredAt: maybeEpochMs,
});

export const DeliveryDetailSchema = DeliveryViewSchema.extend({
  history: z.array(AttemptViewSchema).describe("every forwarding attempt, oldest first"),
});

export const DeliveryListSchema = page(DeliveryViewSchema);

/** A request refused before acceptance (GET /v1/rejections): never its body, token or signature. */
export const RejectionViewSchema = z.object({
  id: z.string(),
  at: epochMs,
  route: z
    .enum(["hook", "callback"])
    .describe("`hook` for /hooks/:source, `callback` for /v1/callbacks/:token"),
  source: z
    .string()
    .nullable()
    .describe("the source named in the path (even an unknown one); null for callbacks"),
  code: z.string().describe("the error code the request was answered with"),
  status: z.number().int().describe("the HTTP status it was answered with"),
  clientIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  headerNames: z.array(z.string()).describe("the request's header names (never their values)"),
  bodySize: z
    .number()
    .int()
    .nullable()
    .describe("bytes read, or the announced Content-Length if the body was refused unread"),
  bodySha256: z.string().nullable().describe("hex SHA-256 of the body, when it was read"),
});

export const RejectionListSchema = page(RejectionViewSchema);

export const BulkReplayResultSchema = z.object({
  count: z.number().int().describe("how many were queued again (on a dry run: would be)"),
  more: z
    .boolean()
    .describe("more match than one request handles (1,000): send the same request again for the next ones"),
  dryRun: z.boolean(),
});

const PolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("any") }),
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("quorum"), count: z.number().int() }),
]);

export const ApprovalViewSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  executionId: z.string().nullable(),
  taskExternalId: z.string().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  requestedBy: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  policy: PolicySchema,
  status: z.enum(["pending", "approved", "rejected", "expired", "cancelled"]),
  onReject: z.enum(["fail", "complete"]),
  onExpire: z.enum(["fail", "complete"]),
  notify: z.boolean(),
  metadata: jsonObject.nullable(),
  approvers: z.array(z.object({ email: z.string(), name: z.string().nullable() })),
  decisions: z.array(
    z.object({
      email: z.string(),
      name: z.string().nullable(),
      decision: z.enum(["approve", "reject"]),
      comment: z.string().nullable(),
      decidedAt: epochMs,
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
  ),
  createdAt: epochMs,
  expiresAt: epochMs,
  closedAt: maybeEpochMs,
  deliveryId: z.string().nullable(),
});

export const ApprovalCreatedSchema = ApprovalViewSchema.extend({
  links: z
    .array(z.object({ email: z.string(), url: z.string() }))
    .describe("one signed link per approver (bearer credentials: hand each only to its approver)"),
});

export const ApprovalDetailSchema = ApprovalViewSchema.extend({
  mails: z.array(
    z.object({
      email: z.string().nullable(),
      status: z.enum(["pending", "sent", "dead", "skipped"]),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      sentAt: maybeEpochMs,
    }),
  ),
  delivery: z
    .object({
      id: z.string(),
      status: z.enum(["pending", "delivered", "dead"]),
      deliveredAt: maybeEpochMs,
      lastError: z.string().nullable(),
    })
    .nullable()
    .describe("the outcome's task update on its way to CDF, once there is one"),
  summary: z.string().describe("the outcome in one sentence, as the approval pages say it"),
});

export const ApprovalListSchema = page(ApprovalViewSchema);

export const HookAcceptedSchema = z.object({
  deliveryId: z.string(),
  outcome: z.enum(["queued", "parked", "ignored", "duplicate"]),
  detail: z.string().optional().describe("why, in words, for parked, ignored and duplicate webhooks"),
});

export const CallbackAcceptedSchema = z.object({
  outcome: z.enum(["queued", "duplicate"]),
  deliveryId: z.string(),
  waitId: z.string(),
});

export const HealthSchema = z.object({ status: z.literal("ok"), version: z.string() });
export const ReadySchema = z.object({ status: z.literal("ready") });

export type WaitView = z.output<typeof WaitViewSchema>;
export type DeliveryApiView = z.output<typeof DeliveryViewSchema>;
export type DeliveryDetailView = z.output<typeof DeliveryDetailSchema>;
export type ApprovalApiView = z.output<typeof ApprovalViewSchema>;
export type ApprovalDetailView = z.output<typeof ApprovalDetailSchema>;
