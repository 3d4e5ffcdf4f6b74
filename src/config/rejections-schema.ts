import * as z from "zod";
import { hint } from "./hints.js";

/**
 * The rejected-request log (requests to /hooks and /v1/callbacks refused before acceptance).
 * Bounded by `maxRows` (the newest are kept) and by `retention.rejections` where retention runs.
 */
export const RejectionsSchema = z.strictObject({
  enabled: hint(z.boolean().default(true), { example: "true" }),
  maxRows: hint(z.number().int().min(100).max(100_000_000).default(100_000), {
    example: "100000",
    fix: "keep between 100 and 100,000,000 rows",
  }),
});
