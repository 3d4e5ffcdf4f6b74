import * as z from "zod";
import { fix, secretList, secretText, tolerance } from "../schema-parts.js";

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
