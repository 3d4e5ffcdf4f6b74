import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTaskgateError } from "../errors.js";
import { decodeUtf8Lenient, toBase64, utf8 } from "./encoding.js";
import { type SchemeConfigInput, VerifySchema } from "./schema.js";
import { signRequest } from "./sign.js";
import { flipByte, makeRequest, replaceChar, TEST_URL } from "./test-support.js";
import { twilioParamSuffix } from "./twilio.js";
import { createVerifier } from "./verifier.js";

/**
 * Property-based checks over every signing scheme: a request signed as the provider would sign it
 * verifies, and any one-byte change to its body, its signed timestamp or id, or its signature
 * header never verifies, and is refused only with a TaskgateError of a 4xx status (never an
 * unexpected exception, which the verifier would report as reason `unverifiable`).
 */

const NOW = 1_750_000_000_000;

interface Case {
  name: string;
  config: SchemeConfigInput;
  /** Headers whose every character is covered by the signature (or must parse exactly). */
  mutable: string[];
  /** Where in a header value mutation starts (skips e.g. "Bearer "). */
  offset?: Record<string, number>;
  form?: boolean;
  /** A bearer JWT authenticates the sender, not the body: body changes are out of its reach. */
  bodyUnsigned?: boolean;
}

const whsec = `whsec_${toBase64(utf8("0123456789abcdef01234567"))}`;
const cases: Case[] = [
  {
    name: "standard-webhooks v1",
    config: { scheme: "standard-webhooks", secrets: [whsec] },
    mutable: ["webhook-id", "webhook-timestamp", "webhook-signature"],
  },
  {
    name: "standard-webhooks v1a",
    config: { scheme: "standard-webhooks", secrets: [`whsk_${toBase64(new Uint8Array(32).fill(3))}`] },
    mutable: ["webhook-id", "webhook-timestamp", "webhook-signature"],
  },
  {
    name: "svix",
    config: { scheme: "svix", secrets: [whsec] },
    mutable: ["svix-id", "svix-timestamp", "svix-signature"],
  },
  {
    name: "github",
    config: { scheme: "github", secrets: ["github secret"] },
    mutable: ["x-hub-signature-256"],
  },
  { name: "stripe", config: { scheme: "stripe", secrets: ["whsec_stripe"] }, mutable: ["stripe-signature"] },
  {
    name: "slack",
    config: { scheme: "slack", secrets: ["slack"] },
    mutable: ["x-slack-signature", "x-slack-request-timestamp"],
  },
  {
    name: "shopify",
    config: { scheme: "shopify", secrets: ["shopify"] },
    mutable: ["x-shopify-hmac-sha256"],
  },
  {
    name: "twilio",
    config: { scheme: "twilio", secrets: ["token"] },
    mutable: ["x-twilio-signature"],
    form: true,
  },
  {
    name: "docusign",
    config: { scheme: "docusign", secrets: ["connect"] },
    mutable: ["x-docusign-signature-1"],
  },
  {
    name: "hmac (generic)",
    config: {
      scheme: "hmac",
      secrets: ["generic"],
      header: "x-signature",
      prefix: "sha256=",
      separator: ",",
      timestampHeader: "x-timestamp",
      idHeader: "x-id",
      template: "{id}.{timestamp}.{body}",
    },
    mutable: ["x-signature", "x-timestamp", "x-id"],
  },
  {
    name: "jwt (HS256 bearer)",
    config: {
      scheme: "jwt",
      keys: [{ secret: "j".repeat(32) }],
      algorithms: ["HS256"],
      issuer: "me",
      audience: "taskgate",
      bindsBody: false,
    },
    mutable: ["authorization"],
    offset: { authorization: "Bearer ".length },
    bodyUnsigned: true,
  },
];

const binaryBody = fc.uint8Array({ minLength: 1, maxLength: 512 });
const formBody = fc
  .array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 16 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((pairs) => utf8(new URLSearchParams(pairs).toString()));
const messageId = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

describe.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
  const config = VerifySchema.parse(c.config);
  const verify = createVerifier(config);
  const bodies = c.form ? formBody : binaryBody;

  async function signed(body: Uint8Array, id: string) {
    return signRequest(config, { url: TEST_URL, body, now: NOW, messageId: id });
  }

  it("verifies whatever body it signed", async () => {
    await fc.assert(
      fc.asyncProperty(bodies, messageId, async (body, id) => {
        const s = await signed(body, id);
        const result = await verify(makeRequest({ url: s.url, headers: s.headers, body: s.body }), {
          now: NOW,
        });
        expect(result.ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("never verifies after a one-byte change, and refuses only with a 4xx TaskgateError", async () => {
    const target = fc.constantFrom(...(c.bodyUnsigned ? [] : ["body"]), ...c.mutable);
    await fc.assert(
      fc.asyncProperty(
        bodies,
        messageId,
        target,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        printable,
        async (body, id, where, at, mask, char) => {
          const s = await signed(body, id);
          let headers = s.headers;
          let sent = s.body;
          if (where === "body") {
            sent = flipByte(s.body, at % s.body.length, mask);
            if (c.form) {
              // Twilio signs the decoded parameters: "%2B" and "%2b" are the same content.
              const params = (b: Uint8Array) => twilioParamSuffix(new URLSearchParams(decodeUtf8Lenient(b)));
              fc.pre(params(sent) !== params(s.body));
            }
          } else {
            const value = headers[where]!;
            const start = c.offset?.[where] ?? 0;
            const i = start + (at % (value.length - start));
            fc.pre(value[i] !== char);
            headers = { ...headers, [where]: replaceChar(value, i, char) };
          }
          const err = await verify(makeRequest({ url: s.url, headers, body: sent }), { now: NOW }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err, `${where} changed, yet it verified`).toBeDefined();
          expect(isTaskgateError(err)).toBe(true);
          if (!isTaskgateError(err)) return;
          expect(err.status).toBeGreaterThanOrEqual(400);
          expect(err.status).toBeLessThan(500);
          expect(err.details?.reason).not.toBe("unverifiable");
        },
      ),
      { numRuns: 200 },
    );
  });
});
