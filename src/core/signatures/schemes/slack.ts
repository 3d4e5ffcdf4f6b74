import * as z from "zod";
import { concatBytes, toHex, utf8 } from "../encoding.js";
import { secretList, tolerance } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { firstSecret, hmacBytes } from "../sign-support.js";
import { createSlackVerifier, SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER } from "../slack.js";

export const SlackSchema = z.strictObject({
  scheme: z.literal("slack"),
  secrets: secretList("signing secret"),
  tolerance,
});

export type SlackConfig = z.output<typeof SlackSchema>;

/** `v0=<hex>` for X-Slack-Signature; the timestamp exactly as X-Slack-Request-Timestamp carries it. */
export async function signSlack(
  secret: string,
  timestamp: number | string,
  body: Uint8Array,
): Promise<string> {
  return `v0=${toHex(await hmacBytes(utf8(secret), "SHA-256", concatBytes(utf8(`v0:${timestamp}:`), body)))}`;
}

export const slackScheme = defineScheme({
  name: "slack",
  summary: "`X-Slack-Signature` (`v0=…`) over the timestamp and body; id is the body's `event_id`",
  schema: SlackSchema,
  createVerifier: (config) => createSlackVerifier(config),
  sign: async (config, { url, body, now }) => {
    const seconds = Math.floor(now / 1000);
    const headers = {
      [SLACK_TIMESTAMP_HEADER]: String(seconds),
      [SLACK_SIGNATURE_HEADER]: await signSlack(firstSecret(config.secrets), seconds, body),
    };
    return { url, body, headers };
  },
  // The message id is the Events API `event_id`, read from the signed body (interactive payloads
  // carry none, and then there is no id to trust or forge).
  messageIdSigned: true,
});
