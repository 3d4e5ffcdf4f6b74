import * as z from "zod";
import { secretList, tolerance } from "../schema-parts.js";

export const SlackSchema = z.strictObject({
  scheme: z.literal("slack"),
  secrets: secretList("signing secret"),
  tolerance,
});

export type SlackConfig = z.output<typeof SlackSchema>;
