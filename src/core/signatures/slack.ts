import { importTextKeys, MAC_LENGTH, verifyAnyHmac } from "./constant-time.js";
import { concatBytes, fromHex, toHex, utf8 } from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { parseJsonObject } from "./json-field.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type SlackConfig, SlackSchema } from "./schemes/slack.js";
import { firstSecret, hmacBytes } from "./sign-support.js";
import { checkTolerance, parseUnixSeconds } from "./timestamp.js";
import type { Handshake, Verifier, VerifyResult } from "./types.js";

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">` with the signing
 * secret as UTF-8 and the timestamp in `X-Slack-Request-Timestamp`, exactly as sent. Slack signs
 * its `url_verification` challenge too; it is verified first and then answered as a handshake.
 */
export const SLACK_SIGNATURE_HEADER = "x-slack-signature";
export const SLACK_TIMESTAMP_HEADER = "x-slack-request-timestamp";

export function createSlackVerifier(config: SlackConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-256", options.hmac));
  return async (req, ctx) => {
    const signature = getHeader(req.headers, SLACK_SIGNATURE_HEADER);
    const timestamp = getHeader(req.headers, SLACK_TIMESTAMP_HEADER);
    if (!signature || !timestamp) {
      const missing = !signature ? "X-Slack-Signature" : "X-Slack-Request-Timestamp";
      throw reject("slack", "missing_header", `missing the ${missing} header`);
    }
    const seconds = parseUnixSeconds(timestamp);
    if (seconds === undefined) {
      throw reject("slack", "malformed_timestamp", "X-Slack-Request-Timestamp is not a Unix time in seconds");
    }
    if (!signature.startsWith("v0=")) {
      throw reject("slack", "wrong_algorithm", "X-Slack-Signature does not start with v0=");
    }
    const mac = fromHex(signature.slice(3));
    if (!mac || mac.length !== MAC_LENGTH["SHA-256"]) {
      throw reject("slack", "malformed_header", "X-Slack-Signature is not v0= and 64 lower-case hex digits");
    }
    const signed = concatBytes(utf8(`v0:${timestamp}:`), req.rawBody);
    if (!(await verifyAnyHmac(await keys(), [mac], signed, MAC_LENGTH["SHA-256"]))) {
      throw reject(
        "slack",
        "mismatch",
        "X-Slack-Signature does not match the body with a configured signing secret",
      );
    }
    checkTolerance("slack", seconds * 1000, ctx.now, ctx.toleranceMs ?? config.tolerance);
    return slackResult(req.rawBody, seconds * 1000);
  };
}

/** Events API bodies carry `event_id` (the same on retries); interactive payloads carry none. */
function slackResult(body: Uint8Array, timestamp: number): VerifyResult {
  const json = parseJsonObject(body);
  if (json?.type === "url_verification" && typeof json.challenge === "string") {
    const handshake: Handshake = {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: json.challenge,
    };
    return { ok: true, timestamp, handshake };
  }
  const eventId = json?.event_id;
  return typeof eventId === "string" && eventId !== ""
    ? { ok: true, messageId: eventId, timestamp }
    : { ok: true, timestamp };
}

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
  createVerifier: (config, options) => createSlackVerifier(config, options),
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
