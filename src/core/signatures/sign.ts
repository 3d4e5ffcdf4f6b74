import { SignJWT } from "jose";
import { TaskgateError } from "../errors.js";
import { hmac, importHmacKey } from "./constant-time.js";
import { concatBytes, decodeUtf8, toBase64, toHex, utf8 } from "./encoding.js";
import { compileTemplate, renderTemplate, secretBytes } from "./hmac-generic.js";
import { parseJsonObject } from "./json-field.js";
import type { HmacConfig, JwtConfig, SchemeConfig } from "./schema.js";
import { importEd25519Private, parseStandardWebhooksSecret } from "./standard-webhooks-secret.js";
import { twilioParamSuffix } from "./twilio.js";

/**
 * The inverse of each verifier: sign a body exactly as the provider would, for `taskgate send`
 * (a test webhook from the source's own secret) and for round-trip tests. The first configured
 * secret signs, like `signingKeys`.
 */

async function hmacBytes(key: Uint8Array, hash: "SHA-1" | "SHA-256" | "SHA-512", data: Uint8Array) {
  return hmac(await importHmacKey(key, hash), data);
}

/**
 * `v1,<base64>` for a `whsec_` (or bare base64) secret, `v1a,<base64>` for a `whsk_` private key.
 * The timestamp is signed as the number the header carries.
 */
export async function signStandardWebhooks(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Uint8Array,
): Promise<string> {
  const key = parseStandardWebhooksSecret(secret);
  const signed = concatBytes(utf8(`${id}.${timestampSeconds}.`), body);
  if ("error" in key) throw cannotSign("standard-webhooks", `the secret ${key.error}`);
  if (key.kind === "hmac") return `v1,${toBase64(await hmacBytes(key.secret, "SHA-256", signed))}`;
  if (key.kind === "ed25519-private") {
    const privateKey = await importEd25519Private(key.seed);
    return `v1a,${toBase64(new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, privateKey, signed)))}`;
  }
  throw cannotSign(
    "standard-webhooks",
    "a whpk_ public key can verify but not sign; configure the whsk_ key to send",
  );
}

/** `t=<ts>,v1=<hex>`: the whole `whsec_…` string is the key, as text. */
export async function signStripe(
  secret: string,
  timestampSeconds: number,
  body: Uint8Array,
): Promise<string> {
  const mac = await hmacBytes(utf8(secret), "SHA-256", concatBytes(utf8(`${timestampSeconds}.`), body));
  return `t=${timestampSeconds},v1=${toHex(mac)}`;
}

/** `sha256=<hex>` for X-Hub-Signature-256. */
export async function signGithub(secret: string, body: Uint8Array): Promise<string> {
  return `sha256=${toHex(await hmacBytes(utf8(secret), "SHA-256", body))}`;
}

/** `v0=<hex>` for X-Slack-Signature; the timestamp exactly as X-Slack-Request-Timestamp carries it. */
export async function signSlack(
  secret: string,
  timestamp: number | string,
  body: Uint8Array,
): Promise<string> {
  return `v0=${toHex(await hmacBytes(utf8(secret), "SHA-256", concatBytes(utf8(`v0:${timestamp}:`), body)))}`;
}

/** Base64 for X-Shopify-Hmac-Sha256. */
export async function signShopify(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacBytes(utf8(secret), "SHA-256", body));
}

/** Base64 for X-Twilio-Signature, over the URL and the sorted form parameters. */
export async function signTwilio(
  authToken: string,
  url: string,
  params: Iterable<readonly [string, string]> = [],
): Promise<string> {
  return toBase64(await hmacBytes(utf8(authToken), "SHA-1", utf8(url + twilioParamSuffix(params))));
}

/** Base64 for X-DocuSign-Signature-<n>. */
export async function signDocusign(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacBytes(utf8(secret), "SHA-256", body));
}

/** The generic scheme's header value (prefix + MAC), from the same template the verifier uses. */
export async function signHmac(
  config: HmacConfig,
  secret: string,
  values: { body: Uint8Array; timestamp?: string; id?: string },
): Promise<string> {
  const key = secretBytes(secret, config.secretEncoding);
  if (!key) throw cannotSign("hmac", `the secret is not ${config.secretEncoding}`);
  const mac = await hmacBytes(
    key,
    config.algorithm,
    renderTemplate(compileTemplate(config.template), values),
  );
  return config.prefix + (config.encoding === "hex" ? toHex(mac) : toBase64(mac));
}

export interface SignInput {
  /** Where the request goes (Twilio signs it). */
  url: string;
  body: Uint8Array;
  /** Epoch ms, from the Clock port. */
  now: number;
  /** The delivery id to send (required by Standard Webhooks and Svix; optional elsewhere). */
  messageId?: string;
}

export interface SignedRequest {
  /** The URL to send to: the input's, except Twilio JSON bodies, which gain `bodySHA256`. */
  url: string;
  headers: Record<string, string>;
  /** The body to send: the input's, except a JWS-body JWT source, which sends the token. */
  body: Uint8Array;
}

/** Headers (and, rarely, URL or body) that make `input` verify under `config`, as the provider sends them. */
export async function signRequest(config: SchemeConfig, input: SignInput): Promise<SignedRequest> {
  const { url, body, now, messageId } = input;
  const seconds = Math.floor(now / 1000);
  const out = (headers: Record<string, string>): SignedRequest => ({ url, headers, body });
  const first = (list: readonly string[]) => list[0]!;
  switch (config.scheme) {
    case "standard-webhooks":
    case "svix": {
      if (!messageId) throw cannotSign(config.scheme, "a message id is required");
      const p = config.scheme === "svix" ? "svix" : "webhook";
      const secret = config.secrets.find((s) => !s.startsWith("whpk_")) ?? first(config.secrets);
      return out({
        [`${p}-id`]: messageId,
        [`${p}-timestamp`]: String(seconds),
        [`${p}-signature`]: await signStandardWebhooks(secret, messageId, seconds, body),
      });
    }
    case "github":
      return out({
        "x-hub-signature-256": await signGithub(first(config.secrets), body),
        ...(messageId ? { "x-github-delivery": messageId } : {}),
      });
    case "stripe":
      return out({ "stripe-signature": await signStripe(first(config.secrets), seconds, body) });
    case "slack":
      return out({
        "x-slack-request-timestamp": String(seconds),
        "x-slack-signature": await signSlack(first(config.secrets), seconds, body),
      });
    case "shopify":
      return out({
        "x-shopify-hmac-sha256": await signShopify(first(config.secrets), body),
        ...(messageId ? { "x-shopify-webhook-id": messageId } : {}),
      });
    case "twilio":
      return signTwilioRequest(first(config.secrets), input);
    case "docusign":
      return out({ "x-docusign-signature-1": await signDocusign(first(config.secrets), body) });
    case "hmac": {
      const timestamp = config.timestampHeader ? formatTimestamp(now, config.timestampFormat) : undefined;
      const headers: Record<string, string> = {
        [config.header]: await signHmac(config, first(config.secrets), {
          body,
          ...(timestamp === undefined ? {} : { timestamp }),
          ...(messageId ? { id: messageId } : {}),
        }),
      };
      if (config.timestampHeader && timestamp !== undefined) headers[config.timestampHeader] = timestamp;
      if (config.idHeader && messageId) headers[config.idHeader] = messageId;
      return out(headers);
    }
    case "jwt":
      return signJwtRequest(config, input);
    case "basic": {
      const { username, password } = config.credentials[0]!;
      return out({ authorization: `Basic ${toBase64(utf8(`${username}:${password}`))}` });
    }
    case "api-key":
      return out({ [config.header]: config.prefix + first(config.keys) });
    case "none":
      return out({});
  }
}

/** Form bodies are signed as parameters; anything else goes through `bodySHA256` like Twilio's JSON webhooks. */
async function signTwilioRequest(authToken: string, input: SignInput): Promise<SignedRequest> {
  const text = decodeUtf8(input.body) ?? "";
  const trimmed = text.trimStart();
  if (input.body.length > 0 && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
    const hash = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(input.body))));
    const url = `${input.url}${input.url.includes("?") ? "&" : "?"}bodySHA256=${hash}`;
    return { url, body: input.body, headers: { "x-twilio-signature": await signTwilio(authToken, url) } };
  }
  const signature = await signTwilio(authToken, input.url, text === "" ? [] : new URLSearchParams(text));
  return { url: input.url, body: input.body, headers: { "x-twilio-signature": signature } };
}

/** Only a source with a shared secret can be signed for; public keys cannot sign. */
async function signJwtRequest(config: JwtConfig, input: SignInput): Promise<SignedRequest> {
  const key = (config.keys ?? []).find((k) => "secret" in k);
  const alg = config.algorithms.find((a) => a.startsWith("HS"));
  if (!key || !("secret" in key) || !alg) {
    throw cannotSign("jwt", "only a source with a shared secret (HS256/384/512) can be signed for");
  }
  const seconds = Math.floor(input.now / 1000);
  const claims = config.token === "body" ? parseJsonObject(input.body) : {};
  if (!claims) throw cannotSign("jwt", "a JWS body must be a JSON object (it becomes the claims)");
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg, typ: "JWT" })
    .setIssuedAt(seconds)
    .setExpirationTime(seconds + 300);
  const issuer = Array.isArray(config.issuer) ? config.issuer[0] : config.issuer;
  const audience = Array.isArray(config.audience) ? config.audience[0] : config.audience;
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  if (input.messageId) jwt = jwt.setJti(input.messageId);
  const token = await jwt.sign(utf8(key.secret));
  return config.token === "body"
    ? { url: input.url, headers: { "content-type": "application/jwt" }, body: utf8(token) }
    : { url: input.url, headers: { authorization: `Bearer ${token}` }, body: input.body };
}

function formatTimestamp(now: number, format: HmacConfig["timestampFormat"]): string {
  if (format === "unix") return String(Math.floor(now / 1000));
  if (format === "unix-ms") return String(now);
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function cannotSign(scheme: string, message: string): TaskgateError {
  return new TaskgateError("invalid_request", `cannot sign for ${scheme}: ${message}`);
}
