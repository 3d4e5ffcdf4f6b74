import type * as z from "zod";
import { apiKeyScheme } from "./api-key.js";
import { basicScheme } from "./basic.js";
import { docusignScheme } from "./docusign.js";
import { githubScheme } from "./github.js";
import { hmacScheme } from "./hmac-generic.js";
import { jwtScheme } from "./jwt.js";
import { noneScheme } from "./none.js";
import type { Scheme, SchemeSchema } from "./scheme.js";
import { shopifyScheme } from "./shopify.js";
import { slackScheme } from "./slack.js";
import { standardWebhooksScheme, svixScheme } from "./standard-webhooks.js";
import { stripeScheme } from "./stripe.js";
import { twilioScheme } from "./twilio.js";

/**
 * Every webhook signature scheme, one line each (DESIGN.md §2). The config schema, the verifier,
 * `taskgate send` and the README's table all read this list. A scheme is its module (verifier,
 * signer and entry, e.g. github.ts) with its config schema in schemes/ (which imports no verifier,
 * so nothing imports in a circle), and one line here. The order is the order config errors list them in.
 */
export const SCHEMES = [
  standardWebhooksScheme,
  svixScheme,
  githubScheme,
  stripeScheme,
  slackScheme,
  shopifyScheme,
  twilioScheme,
  docusignScheme,
  hmacScheme,
  jwtScheme,
  basicScheme,
  apiKeyScheme,
  noneScheme,
] as const;

/** The `scheme` names of `VerifySchema`. */
export type SchemeName = (typeof SCHEMES)[number]["name"];

type SchemasOf<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: T[K] extends { readonly schema: infer S } ? S : never;
};

/** The schemas of the entries, as a tuple, for `z.discriminatedUnion`. */
export type SchemeSchemas = SchemasOf<typeof SCHEMES>;

/** A validated `verify` block of any scheme. */
export type AnySchemeConfig = z.output<SchemeSchemas[number]>;

const BY_NAME: ReadonlyMap<string, Scheme> = new Map(
  SCHEMES.map((scheme) => [scheme.name, scheme as unknown as Scheme]),
);

/**
 * The entry for a validated config, typed for that config. Found by the config's own `scheme`,
 * so its schema produced the config: the one cast the table needs lives here.
 */
export function schemeOf(config: AnySchemeConfig): Scheme<SchemeSchema> {
  const scheme = BY_NAME.get(config.scheme);
  if (!scheme) throw new Error(`unknown signature scheme ${config.scheme}`);
  return scheme;
}

/** Whether `config`'s message id (the default dedupe key) is covered by its signature. */
export function messageIdSigned(config: AnySchemeConfig): boolean {
  const signed = schemeOf(config).messageIdSigned;
  return typeof signed === "boolean" ? signed : signed(config);
}
