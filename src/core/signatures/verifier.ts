import { isTaskgateError } from "../errors.js";
import { createApiKeyVerifier } from "./api-key.js";
import { createBasicVerifier } from "./basic.js";
import { createDocusignVerifier } from "./docusign.js";
import { reject } from "./failures.js";
import { createGithubVerifier } from "./github.js";
import { createHmacVerifier } from "./hmac-generic.js";
import { createJwtVerifier, type JwtVerifierOptions } from "./jwt.js";
import { createNoneVerifier } from "./none.js";
import type { SchemeConfig } from "./schema.js";
import { createShopifyVerifier } from "./shopify.js";
import { createSlackVerifier } from "./slack.js";
import { createStandardWebhooksVerifier } from "./standard-webhooks.js";
import { createStripeVerifier } from "./stripe.js";
import { createTwilioVerifier } from "./twilio.js";
import type { Verifier } from "./types.js";

export type VerifierOptions = JwtVerifierOptions;

/**
 * The verifier for a source's validated `verify` block. Build it once per source at start-up:
 * keys are imported on first use and then reused, and a JWKS is cached inside the verifier.
 *
 * Whatever a request contains, the verifier rejects only with a `TaskgateError`: an unexpected
 * exception from inside a scheme becomes `signature_invalid` (reason `unverifiable`, the original
 * as `cause` for the log) so hostile input can never turn into a 500.
 */
export function createVerifier(config: SchemeConfig, options: VerifierOptions = {}): Verifier {
  const verify = schemeVerifier(config, options);
  return async (req, ctx) => {
    try {
      return await verify(req, ctx);
    } catch (err) {
      if (isTaskgateError(err)) throw err;
      throw reject(config.scheme, "unverifiable", "the request could not be verified", err);
    }
  };
}

function schemeVerifier(config: SchemeConfig, options: VerifierOptions): Verifier {
  switch (config.scheme) {
    case "standard-webhooks":
    case "svix":
      return createStandardWebhooksVerifier(config);
    case "github":
      return createGithubVerifier(config);
    case "stripe":
      return createStripeVerifier(config);
    case "slack":
      return createSlackVerifier(config);
    case "shopify":
      return createShopifyVerifier(config);
    case "twilio":
      return createTwilioVerifier(config);
    case "docusign":
      return createDocusignVerifier(config);
    case "hmac":
      return createHmacVerifier(config);
    case "jwt":
      return createJwtVerifier(config, options);
    case "basic":
      return createBasicVerifier(config);
    case "api-key":
      return createApiKeyVerifier(config);
    case "none":
      return createNoneVerifier(config);
  }
}
