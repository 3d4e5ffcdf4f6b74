import * as z from "zod";
import { concatBytes, toHex, utf8 } from "../encoding.js";
import { fix, secretList, secretText, tolerance } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { firstSecret, hmacBytes } from "../sign-support.js";
import { createStripeVerifier, STRIPE_SIGNATURE_HEADER } from "../stripe.js";

const stripeSecret = secretText.superRefine((value, ctx) => {
  if (/^(sk|rk|pk)_/.test(value)) {
    ctx.addIssue({
      code: "custom",
      message: "is a Stripe API key, not the endpoint's signing secret",
      params: fix("use the endpoint's signing secret (whsec_…) from the Stripe dashboard or `stripe listen`"),
    });
  }
});

export const StripeSchema = z.strictObject({
  scheme: z.literal("stripe"),
  /** Used whole, `whsec_` included, as UTF-8 text (Stripe does not base64-decode it). */
  secrets: secretList("signing secret", stripeSecret),
  tolerance,
});

export type StripeConfig = z.output<typeof StripeSchema>;

/** `t=<ts>,v1=<hex>`: the whole `whsec_…` string is the key, as text. */
export async function signStripe(
  secret: string,
  timestampSeconds: number,
  body: Uint8Array,
): Promise<string> {
  const mac = await hmacBytes(utf8(secret), "SHA-256", concatBytes(utf8(`${timestampSeconds}.`), body));
  return `t=${timestampSeconds},v1=${toHex(mac)}`;
}

export const stripeScheme = defineScheme({
  name: "stripe",
  summary: "`Stripe-Signature` (`t=…,v1=…`); id is the event's `id` in the body",
  schema: StripeSchema,
  createVerifier: (config) => createStripeVerifier(config),
  sign: async (config, { url, body, now }) => ({
    url,
    body,
    headers: {
      [STRIPE_SIGNATURE_HEADER]: await signStripe(firstSecret(config.secrets), Math.floor(now / 1000), body),
    },
  }),
  // The message id is the event's `id`, read from the signed body.
  messageIdSigned: true,
});
