import * as z from "zod";
import { createBasicVerifier } from "../basic.js";
import { toBase64, utf8 } from "../encoding.js";
import { fix, MAX_SECRETS, secretText } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";

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

export const basicScheme = defineScheme({
  name: "basic",
  summary: "HTTP Basic credentials (nothing about the body is signed)",
  schema: BasicSchema,
  createVerifier: (config) => createBasicVerifier(config),
  sign: async (config, { url, body }) => {
    const { username, password } = config.credentials[0]!;
    return { url, body, headers: { authorization: `Basic ${toBase64(utf8(`${username}:${password}`))}` } };
  },
  // Nothing is signed: the credentials prove only who sent the request.
  messageIdSigned: false,
});
