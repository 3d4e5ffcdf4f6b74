import * as z from "zod";

/** GET /v1/audit: one subject's entries (a wait, delivery or approval id), or every entry. */
export const AuditQuerySchema = z
  .object({
    subject: z.string().min(1).max(64).optional().describe("a wait, delivery or approval id"),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const AuditEntryViewSchema = z.object({
  id: z.string(),
  kind: z.string().describe("what happened: webhook.received, delivery.attempt, approval.decided, ..."),
  at: z.number().int().describe("epoch milliseconds"),
  actor: z
    .string()
    .describe("who caused it: source:NAME, callback, api:KEY, approver:EMAIL, operator:NAME, system"),
  waitId: z.string().nullable(),
  deliveryId: z.string().nullable(),
  approvalId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).describe("the facts recorded (never a secret, token or body)"),
  seq: z.number().int().nullable().describe("position in the chain; null until sealed (shortly after)"),
  prevHash: z.string().nullable(),
  hash: z.string().nullable().describe("SHA-256(prevHash ‖ canonical JSON of the entry), hex"),
});

export const AuditListSchema = z.object({
  items: z.array(AuditEntryViewSchema),
  nextCursor: z.string().nullable().describe("the `cursor` of the next page; null on the last page"),
});
