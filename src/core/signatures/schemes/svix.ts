import * as z from "zod";
import { secretList, tolerance } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { createStandardWebhooksVerifier } from "../standard-webhooks.js";
import { signStandardWebhooksRequest, standardWebhooksSecret } from "./standard-webhooks.js";

/** Standard Webhooks under Svix's own header names (`svix-id`, …). */
export const SvixSchema = z.strictObject({
  scheme: z.literal("svix"),
  secrets: secretList("secret", standardWebhooksSecret),
  tolerance,
});

export type SvixConfig = z.output<typeof SvixSchema>;

export const svixScheme = defineScheme({
  name: "svix",
  summary: "Standard Webhooks with `svix-` header names",
  schema: SvixSchema,
  createVerifier: (config) => createStandardWebhooksVerifier(config),
  sign: (config, input) => signStandardWebhooksRequest("svix", config.secrets, input),
  // As Standard Webhooks: `svix-id` is part of the signed content.
  messageIdSigned: true,
});
