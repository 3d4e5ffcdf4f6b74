import * as z from "zod";
import { DurationSchema } from "../core/duration.js";
import { compileMapping } from "../core/mapping/source-mapping.js";
import { VerifySchema } from "../core/signatures/schema.js";
import { hint } from "./hints.js";

const expression = (example: string) =>
  hint(z.string().min(1), { example, fix: `write a JSONata expression, e.g. ${example}` });

/**
 * One webhook source (DESIGN §2): how to verify it, and JSONata expressions, compiled here once
 * so that `taskgate check` names a broken expression by its source and field.
 */
const SourceSchema = z
  .strictObject({
    verify: VerifySchema,
    correlationKey: expression('"data.envelopeId"'),
    status: expression(`"event = 'completed' ? 'COMPLETED' : null"`),
    output: expression("\"{ 'id': data.id }\"").optional(),
    dedupeKey: expression("\"$headers.'x-delivery-id'\"").optional(),
    parkUnmatchedFor: hint(DurationSchema.prefault("24h"), {
      example: '"24h"',
      fix: 'write how long to keep a webhook that arrives before its wait, e.g. "24h"',
    }),
  })
  .superRefine((source, ctx) => {
    for (const problem of compileMapping(source).problems) {
      ctx.addIssue({
        code: "custom",
        path: [problem.field],
        message: problem.message,
        params: { fix: "correct the JSONata expression" },
      });
    }
  });

export const SourcesSchema = z
  .record(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/i,
        "a source name is letters, digits, - and _ (it is a URL segment)",
      ),
    SourceSchema,
  )
  .optional();
