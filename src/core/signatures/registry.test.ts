import { describe, expect, it } from "vitest";
import { messageIdSigned, SCHEMES } from "./registry.js";
import { VerifySchema } from "./schema.js";

describe("the scheme table", () => {
  it("names each entry after its schema's `scheme` literal, once", () => {
    for (const scheme of SCHEMES) expect(scheme.schema.shape.scheme.value).toBe(scheme.name);
    expect(new Set(SCHEMES.map((s) => s.name)).size).toBe(SCHEMES.length);
  });

  it("is what VerifySchema accepts, in the table's order", () => {
    expect(VerifySchema.options.map((o) => o.shape.scheme.value)).toEqual(SCHEMES.map((s) => s.name));
  });

  it("says which schemes sign their message id (the others need a body-hash dedupe)", () => {
    const parse = (verify: unknown) => VerifySchema.parse(verify);
    const secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"];
    const signed = {
      "standard-webhooks": messageIdSigned(parse({ scheme: "standard-webhooks", secrets })),
      svix: messageIdSigned(parse({ scheme: "svix", secrets })),
      github: messageIdSigned(parse({ scheme: "github", secrets })),
      stripe: messageIdSigned(parse({ scheme: "stripe", secrets })),
      slack: messageIdSigned(parse({ scheme: "slack", secrets })),
      shopify: messageIdSigned(parse({ scheme: "shopify", secrets })),
      twilio: messageIdSigned(parse({ scheme: "twilio", secrets })),
      docusign: messageIdSigned(parse({ scheme: "docusign", secrets })),
      jwt: messageIdSigned(
        parse({
          scheme: "jwt",
          token: "body",
          keys: [{ secret: "s" }],
          algorithms: ["HS256"],
          issuer: "i",
          audience: "a",
        }),
      ),
      basic: messageIdSigned(parse({ scheme: "basic", credentials: [{ username: "u", password: "p" }] })),
      "api-key": messageIdSigned(parse({ scheme: "api-key", keys: ["k"] })),
      none: messageIdSigned(parse({ scheme: "none", allowUnsigned: true })),
    };
    expect(signed).toEqual({
      "standard-webhooks": true,
      svix: true,
      github: false,
      stripe: true,
      slack: true,
      shopify: false,
      twilio: false,
      docusign: false,
      jwt: true,
      basic: false,
      "api-key": false,
      none: false,
    });
  });

  it("counts a generic HMAC id as signed only when the template contains {id}", () => {
    const hmac = { scheme: "hmac", secrets: ["s"], header: "x-sig", idHeader: "x-id" };
    expect(messageIdSigned(VerifySchema.parse(hmac))).toBe(false);
    expect(messageIdSigned(VerifySchema.parse({ ...hmac, template: "{id}.{body}" }))).toBe(true);
  });
});
