import * as z from "zod";
import { fix, MAX_SECRETS, secretText } from "../schema-parts.js";

export const BasicSchema = z.strictObject({
  scheme: z.literal("basic"),
  credentials: z
    .array(
      z.strictObject({
        username: z
          .string()
          .min(1)
          .refine((u) => !u.includes(":"), {
            message: "must not contain ':'",
            params: fix("choose a user name without a colon (Basic auth splits on the first one)"),
          }),
        password: secretText,
      }),
    )
    .min(1)
    .max(MAX_SECRETS),
});

export type BasicConfig = z.output<typeof BasicSchema>;
