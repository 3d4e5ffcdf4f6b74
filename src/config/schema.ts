import * as z from "zod";
import { ApiSchema } from "./api-schema.js";
import { ApprovalsSchema } from "./approvals-schema.js";
import { CdfSchema } from "./cdf-schema.js";
import { baseUrl } from "./field-schemas.js";
import { ForwarderSchema } from "./forwarder-schema.js";
import { LimitsSchema } from "./limits-schema.js";
import { MetricsSchema } from "./metrics-schema.js";
import { RejectionsSchema } from "./rejections-schema.js";
import { RetentionSchema } from "./retention-schema.js";
import { LogSchema, ServerSchema } from "./server-schema.js";
import { SigningKeysSchema } from "./signing-keys-schema.js";
import { SourcesSchema } from "./sources-schema.js";
import { StorageSchema } from "./storage-schema.js";
import { WaitsSchema } from "./waits-schema.js";

/**
 * The whole taskgate configuration document (DESIGN.md §2), for what this release supports.
 * Every object is strict so a typo is reported, never silently ignored; durations arrive in ms and
 * every default is applied, so the rest of the code reads one fully-specified object.
 */
export const TaskgateConfigSchema = z
  .strictObject({
    /** JSON-schema reference for editors; ignored. */
    $schema: z.string().optional(),
    server: ServerSchema.prefault({}),
    publicUrl: baseUrl("https://taskgate.example.com"),
    cdf: CdfSchema,
    storage: StorageSchema.prefault({ kind: "sqlite", path: "./data/taskgate.db" }),
    signingKeys: SigningKeysSchema,
    api: ApiSchema,
    waits: WaitsSchema.prefault({}),
    forwarder: ForwarderSchema.prefault({}),
    log: LogSchema.prefault({}),
    metrics: MetricsSchema.prefault({}),
    limits: LimitsSchema.prefault({}),
    sources: SourcesSchema,
    approvals: ApprovalsSchema.prefault({}),
    rejections: RejectionsSchema.prefault({}),
    retention: RetentionSchema.prefault({}),
  })
  .transform(({ $schema, ...config }) => config);

/** The validated configuration: every default applied, every duration in milliseconds. */
export type TaskgateConfig = z.output<typeof TaskgateConfigSchema>;
/** The document as written (before defaults, interpolation and duration parsing). */
export type TaskgateConfigInput = z.input<typeof TaskgateConfigSchema>;
