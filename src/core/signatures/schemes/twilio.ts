import * as z from "zod";
import { concatBytes, decodeUtf8, toBase64, toHex, utf8 } from "../encoding.js";
import { secretList } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { firstSecret, hmacBytes, type SignedRequest, type SignInput } from "../sign-support.js";
import { createTwilioVerifier, TWILIO_SIGNATURE_HEADER, twilioParamSuffix } from "../twilio.js";

export const TwilioSchema = z.strictObject({
  scheme: z.literal("twilio"),
  /** Auth tokens: the primary and, during a rotation, the secondary. */
  secrets: secretList("auth token"),
});

export type TwilioConfig = z.output<typeof TwilioSchema>;

/** Base64 for X-Twilio-Signature, over the URL and the sorted form parameters. */
export async function signTwilio(
  authToken: string,
  url: string,
  params: Iterable<readonly [string, string]> = [],
): Promise<string> {
  return toBase64(await hmacBytes(utf8(authToken), "SHA-1", utf8(url + twilioParamSuffix(params))));
}

/** Form bodies are signed as parameters; anything else goes through `bodySHA256` like Twilio's JSON webhooks. */
async function signTwilioRequest(authToken: string, input: SignInput): Promise<SignedRequest> {
  const text = decodeUtf8(input.body) ?? "";
  const trimmed = text.trimStart();
  if (input.body.length > 0 && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
    const hash = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(input.body))));
    const url = `${input.url}${input.url.includes("?") ? "&" : "?"}bodySHA256=${hash}`;
    return {
      url,
      body: input.body,
      headers: { [TWILIO_SIGNATURE_HEADER]: await signTwilio(authToken, url) },
    };
  }
  const signature = await signTwilio(authToken, input.url, text === "" ? [] : new URLSearchParams(text));
  return { url: input.url, body: input.body, headers: { [TWILIO_SIGNATURE_HEADER]: signature } };
}

export const twilioScheme = defineScheme({
  name: "twilio",
  summary:
    "`X-Twilio-Signature` (HMAC-SHA1 of the URL and form parameters); id from `I-Twilio-Idempotency-Token`",
  schema: TwilioSchema,
  createVerifier: (config) => createTwilioVerifier(config),
  sign: (config, input) => signTwilioRequest(firstSecret(config.secrets), input),
  // Twilio signs the URL and parameters; I-Twilio-Idempotency-Token is an unsigned header.
  messageIdSigned: false,
});
