/**
 * Webhook verification schemes (DESIGN.md §2, §6): pure, Web Crypto only, one module per scheme.
 * Build a verifier per source with `createVerifier(VerifySchema.parse(source.verify))`.
 */
export { SecretMatcher } from "./constant-time.js";
export type { RejectReason, ToleranceReason } from "./failures.js";
export {
  ApiKeySchema,
  BasicSchema,
  DocusignSchema,
  GithubSchema,
  HmacSchema,
  JWS_ALGORITHMS,
  JwtSchema,
  NoneSchema,
  type SchemeConfig,
  type SchemeConfigInput,
  ShopifySchema,
  SlackSchema,
  StandardWebhooksSchema,
  StripeSchema,
  SvixSchema,
  TwilioSchema,
  VerifySchema,
} from "./schema.js";
export {
  type SignedRequest,
  type SignInput,
  signDocusign,
  signGithub,
  signHmac,
  signRequest,
  signShopify,
  signSlack,
  signStandardWebhooks,
  signStripe,
  signTwilio,
} from "./sign.js";
export {
  DEFAULT_TOLERANCE_MS,
  type Handshake,
  type SchemeName,
  type Verifier,
  type VerifyContext,
  type VerifyResult,
  type WebhookRequest,
} from "./types.js";
export { createVerifier, type VerifierOptions } from "./verifier.js";
