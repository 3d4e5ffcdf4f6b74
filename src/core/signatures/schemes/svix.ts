import * as z from "zod";
import { secretList, tolerance } from "../schema-parts.js";
import { standardWebhooksSecret } from "./standard-webhooks.js";

/** Standard Webhooks under Svix's own header names (`svix-id`, …). */
export const SvixSchema = z.strictObject({
  scheme: z.literal("svix"),
  secrets: secretList("secret", standardWebhooksSecret),
  tolerance,
});

export type SvixConfig = z.output<typeof SvixSchema>;
