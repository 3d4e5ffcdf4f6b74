import * as z from "zod";
import { secretList } from "../schema-parts.js";

export const GithubSchema = z.strictObject({
  scheme: z.literal("github"),
  secrets: secretList("webhook secret"),
});

export type GithubConfig = z.output<typeof GithubSchema>;
