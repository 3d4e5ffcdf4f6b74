import * as z from "zod";
import { headerName, secretList } from "../schema-parts.js";

export const ApiKeySchema = z.strictObject({
  scheme: z.literal("api-key"),
  header: headerName.default("x-api-key"),
  /** Text before the key in the header, e.g. `Bearer `. */
  prefix: z.string().max(32).default(""),
  keys: secretList("key"),
});

export type ApiKeyConfig = z.output<typeof ApiKeySchema>;
