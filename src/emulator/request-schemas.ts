import * as z from "zod";
import { CDF_MESSAGES, CdfHttpError } from "./cdf-errors.js";

/**
 * Request-body parsing shared by the routes. Errors come out as CDF answers them (a 400 with a
 * one-line message), never as zod's issue dump.
 */

const ExternalId = z.string().min(1).max(255);
const JsonObject = z.record(z.string(), z.unknown());

const DependsOn = z.array(z.object({ externalId: ExternalId }));

/** A task as `POST /workflows/versions` accepts it; `type` is checked later with a clear message. */
export const TaskDefinitionInputSchema = z.object({
  externalId: ExternalId,
  type: z.string(),
  name: z.string().max(255).optional(),
  description: z.string().max(500).optional(),
  parameters: z.object({
    function: z.object({ externalId: ExternalId, data: JsonObject.optional() }),
    isAsyncComplete: z.boolean().optional(),
  }),
  retries: z.number().int().min(0).max(10).optional(),
  timeout: z.number().int().min(1).optional(),
  onFailure: z.enum(["abortWorkflow", "skipTask"]).optional(),
  dependsOn: DependsOn.optional(),
});
export type TaskDefinitionInput = z.infer<typeof TaskDefinitionInputSchema>;

/** The admin shortcut's task: like CDF's, but `type` and `parameters` may be left out. */
export const AdminTaskInputSchema = TaskDefinitionInputSchema.extend({
  type: z.string().optional(),
  parameters: TaskDefinitionInputSchema.shape.parameters.optional(),
});
export type AdminTaskInput = z.infer<typeof AdminTaskInputSchema>;

export const WorkflowUpsertSchema = z.object({
  items: z
    .array(z.object({ externalId: ExternalId, description: z.string().max(500).optional() }))
    .min(1)
    .max(1),
});

export const VersionUpsertSchema = z.object({
  items: z
    .array(
      z.object({
        workflowExternalId: ExternalId,
        version: ExternalId,
        workflowDefinition: z.object({
          description: z.string().max(500).optional(),
          tasks: z.array(TaskDefinitionInputSchema),
        }),
      }),
    )
    .min(1)
    .max(1),
});

const Metadata = z.record(z.string(), z.string());

export const RunSchema = z.object({
  authentication: z.object({ nonce: z.string().min(1) }),
  input: JsonObject.optional(),
  metadata: Metadata.optional(),
});

export const SessionCreateSchema = z.object({
  items: z
    .array(
      z.object({
        clientId: z.string().optional(),
        clientSecret: z.string().optional(),
        tokenExchange: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(1),
});

const ExecutionStatusFilter = z.enum(["RUNNING", "COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"]);

export const ExecutionListSchema = z.object({
  filter: z
    .object({
      workflowFilters: z
        .array(z.object({ externalId: ExternalId, version: z.string().optional() }))
        .optional(),
      status: z.array(ExecutionStatusFilter).optional(),
      createdTimeStart: z.number().int().optional(),
      createdTimeEnd: z.number().int().optional(),
    })
    .optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  cursor: z.string().optional(),
});

export const CancelSchema = z.object({ reason: z.string().max(1000).optional() });

export const AdminExecutionSchema = z.object({
  workflowExternalId: ExternalId.optional(),
  version: ExternalId.optional(),
  tasks: z.array(AdminTaskInputSchema).optional(),
  input: JsonObject.optional(),
  metadata: Metadata.optional(),
});
export type AdminExecutionInput = z.infer<typeof AdminExecutionSchema>;

export const TokenMintSchema = z.object({
  claims: JsonObject.optional(),
  audience: z.union([z.string(), z.array(z.string())]).optional(),
  expiresInSeconds: z.number().int().optional(),
  subject: z.string().optional(),
});

export const ConfigSchema = z.object({
  tokenLifetimeSeconds: z.number().int().min(1).optional(),
  maxConcurrentRequests: z.number().int().min(0).optional(),
});

/** Validates `value` against `schema`, answering a violation as CDF does. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const violations = result.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new CdfHttpError(
    400,
    `Request had ${violations.length} constraint violation${violations.length === 1 ? "" : "s"}. ` +
      `Please fix the request and try again. [${violations.join(", ")}]`,
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Parses a JSON request body. CDF refuses `null` anywhere in a body with one documented message;
 * `rejectNulls` reproduces that (admin endpoints skip it). An empty body reads as `emptyAs`.
 */
export function parseJsonBody(
  text: string,
  options: { rejectNulls: boolean; emptyAs?: unknown } = { rejectNulls: true },
): unknown {
  if (text.trim() === "" && options.emptyAs !== undefined) return options.emptyAs;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CdfHttpError(400, "Unable to parse the request body as JSON.");
  }
  if (options.rejectNulls && containsNull(value)) throw new CdfHttpError(400, CDF_MESSAGES.nullValues);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CdfHttpError(400, "The request body must be a JSON object.");
  }
  return value;
}

/** True when `null` appears anywhere in a parsed JSON value. */
function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(containsNull);
  if (typeof value === "object") return Object.values(value).some(containsNull);
  return false;
}
