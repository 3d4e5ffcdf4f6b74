import { describe, expect, it } from "vitest";
import { toBase64, utf8 } from "./encoding.js";
import { type SchemeConfigInput, VerifySchema } from "./schema.js";
import { signRequest } from "./sign.js";
import { makeRequest, outcome, TEST_URL } from "./test-support.js";
import { createVerifier } from "./verifier.js";

const NOW = 1_750_000_000_123;
const seed = `whsk_${toBase64(new Uint8Array(32).fill(9))}`;

/** Every scheme taskgate can sign for: what `taskgate send` produces must verify. */
const configs: Array<[string, SchemeConfigInput, string]> = [
  [
    "standard-webhooks (v1)",
    { scheme: "standard-webhooks", secrets: [`whsec_${toBase64(utf8("k".repeat(24)))}`] },
    "{}",
  ],
  ["standard-webhooks (v1a)", { scheme: "standard-webhooks", secrets: [seed] }, "{}"],
  ["svix", { scheme: "svix", secrets: [`whsec_${toBase64(utf8("k".repeat(24)))}`] }, "{}"],
  ["github", { scheme: "github", secrets: ["s"] }, '{"action":"completed"}'],
  ["stripe", { scheme: "stripe", secrets: ["whsec_abc"] }, '{"id":"evt_1"}'],
  ["slack", { scheme: "slack", secrets: ["s"] }, "payload=%7B%7D"],
  ["shopify", { scheme: "shopify", secrets: ["s"] }, "{}"],
  ["twilio (form)", { scheme: "twilio", secrets: ["t"] }, "Digits=1234&CallSid=CA1"],
  ["twilio (JSON)", { scheme: "twilio", secrets: ["t"] }, '{"CallSid":"CA1"}'],
  ["docusign", { scheme: "docusign", secrets: ["k"] }, "{}"],
  [
    "hmac (iso8601 timestamp, id)",
    {
      scheme: "hmac",
      secrets: ["s"],
      header: "x-sig",
      timestampHeader: "x-ts",
      timestampFormat: "iso8601",
      idHeader: "x-id",
      template: "{id}:{timestamp}:{body}",
      encoding: "base64",
      algorithm: "SHA-512",
    },
    "{}",
  ],
  [
    "hmac (unix-ms)",
    {
      scheme: "hmac",
      secrets: ["s"],
      header: "x-sig",
      timestampHeader: "x-ts",
      timestampFormat: "unix-ms",
      template: "{timestamp}{body}",
    },
    "{}",
  ],
  [
    "jwt (bearer)",
    {
      scheme: "jwt",
      keys: [{ secret: "s".repeat(32) }],
      algorithms: ["HS256"],
      issuer: "me",
      audience: ["taskgate", "other"],
      bindsBody: false,
    },
    "{}",
  ],
  [
    "jwt (body)",
    {
      scheme: "jwt",
      token: "body",
      keys: [{ secret: "s".repeat(32) }],
      algorithms: ["HS512"],
      optionalClaims: ["iss", "aud"],
    },
    '{"a":1}',
  ],
  ["basic", { scheme: "basic", credentials: [{ username: "u", password: "p" }] }, "{}"],
  ["api-key", { scheme: "api-key", header: "authorization", prefix: "Bearer ", keys: ["k1"] }, "{}"],
  ["none", { scheme: "none", allowUnsigned: true }, "{}"],
];

describe("signRequest", () => {
  it.each(configs)("signs %s so that it verifies", async (_name, input, body) => {
    const config = VerifySchema.parse(input);
    const signed = await signRequest(config, {
      url: TEST_URL,
      body: utf8(body),
      now: NOW,
      messageId: "msg_1",
    });
    const verify = createVerifier(config);
    const result = await verify(
      makeRequest({ url: signed.url, headers: signed.headers, body: signed.body }),
      { now: NOW },
    );
    expect(result.ok).toBe(true);
  });

  it("cannot sign with only a whpk_ public key", async () => {
    const config = VerifySchema.parse({
      scheme: "standard-webhooks",
      secrets: [`whpk_${toBase64(new Uint8Array(32))}`],
    });
    expect(
      await outcome(signRequest(config, { url: TEST_URL, body: utf8("{}"), now: NOW, messageId: "m" })),
    ).toBe("invalid_request");
  });

  it("needs a message id for Standard Webhooks", async () => {
    const config = VerifySchema.parse(configs[0]![1]);
    expect(await outcome(signRequest(config, { url: TEST_URL, body: utf8("{}"), now: NOW }))).toBe(
      "invalid_request",
    );
  });

  it("cannot sign for a JWT source that holds only public keys", async () => {
    const config = VerifySchema.parse({
      scheme: "jwt",
      jwksUrl: "https://x.example/jwks",
      algorithms: ["RS256"],
      issuer: "x",
      audience: "taskgate",
      bindsBody: false,
    });
    expect(await outcome(signRequest(config, { url: TEST_URL, body: utf8("{}"), now: NOW }))).toBe(
      "invalid_request",
    );
  });
});
