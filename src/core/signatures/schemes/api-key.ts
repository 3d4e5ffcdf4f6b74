import * as z from "zod";
import { createApiKeyVerifier } from "../api-key.js";
import { headerName, secretList } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { firstSecret } from "../sign-support.js";

export const ApiKeySchema = z.strictObject({
  scheme: z.literal("api-key"),
  header: headerName.default("x-api-key"),
  /** Text before the key in the header, e.g. `Bearer `. */
  prefix: z.string().max(32).default(""),
  keys: secretList("key"),
});

export type ApiKeyConfig = z.output<typeof ApiKeySchema>;

export const apiKeyScheme = defineScheme({
  name: "api-key",
  summary: "a static key in a header (nothing about the body is signed)",
  schema: ApiKeySchema,
  createVerifier: (config) => createApiKeyVerifier(config),
  sign: async (config, { url, body }) => ({
    url,
    body,
    headers: { [config.header]: config.prefix + firstSecret(config.keys) },
  }),
  // Nothing is signed: the key proves only who sent the request.
  messageIdSigned: false,
});
