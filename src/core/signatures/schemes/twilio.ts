import * as z from "zod";
import { secretList } from "../schema-parts.js";

export const TwilioSchema = z.strictObject({
  scheme: z.literal("twilio"),
  /** Auth tokens: the primary and, during a rotation, the secondary. */
  secrets: secretList("auth token"),
});

export type TwilioConfig = z.output<typeof TwilioSchema>;
