import * as z from "zod";
import { fix } from "../schema-parts.js";

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
