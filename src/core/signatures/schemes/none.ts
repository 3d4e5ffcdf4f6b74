import * as z from "zod";
import { createNoneVerifier } from "../none.js";
import { fix } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";

export const NoneSchema = z
  .strictObject({
    scheme: z.literal("none"),
    allowUnsigned: z.boolean().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.allowUnsigned !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["allowUnsigned"],
        message: "an unsigned source accepts callbacks from anyone who knows its URL",
        params: fix(
          'configure the provider\'s signature scheme, or set "allowUnsigned": true to accept that risk',
        ),
      });
    }
  });

export type NoneConfig = z.output<typeof NoneSchema>;

export const noneScheme = defineScheme({
  name: "none",
  summary: 'no verification; refused unless `"allowUnsigned": true` is set beside it',
  schema: NoneSchema,
  createVerifier: (config) => createNoneVerifier(config),
  sign: async (_config, { url, body }) => ({ url, body, headers: {} }),
  // Nothing is signed.
  messageIdSigned: false,
});
