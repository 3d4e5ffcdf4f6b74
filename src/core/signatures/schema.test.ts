import { describe, expect, it } from "vitest";
import { VerifySchema } from "./schema.js";

/** The problems of an invalid `verify` block, as "path: message [fix]". */
function problems(input: unknown): string[] {
  const result = VerifySchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const fix = (issue as { params?: { fix?: unknown } }).params?.fix;
    return `${issue.path.join(".")}: ${issue.message}${typeof fix === "string" ? ` [${fix}]` : ""}`;
  });
}

describe("VerifySchema", () => {
  it("refuses scheme none unless allowUnsigned is true, and says why", () => {
    const [problem] = problems({ scheme: "none" });
    expect(problem).toMatch(/^allowUnsigned: an unsigned source accepts callbacks from anyone/);
    expect(problem).toContain('"allowUnsigned": true');
    expect(problems({ scheme: "none", allowUnsigned: false })).toHaveLength(1);
    expect(problems({ scheme: "none", allowUnsigned: true })).toEqual([]);
  });

  it("refuses an unknown scheme and unknown keys", () => {
    expect(problems({ scheme: "magic", secrets: ["x"] }).length).toBeGreaterThan(0);
    expect(problems({ scheme: "github", secrets: ["x"], tolerance: "5m" }).length).toBeGreaterThan(0);
  });

  it("defaults the tolerance to 300 s and reads durations", () => {
    expect(VerifySchema.parse({ scheme: "slack", secrets: ["s"] })).toMatchObject({ tolerance: 300_000 });
    expect(VerifySchema.parse({ scheme: "slack", secrets: ["s"], tolerance: "10m" })).toMatchObject({
      tolerance: 600_000,
    });
    expect(problems({ scheme: "slack", secrets: ["s"], tolerance: "0s" })).toEqual([
      'tolerance: must be between 1s and 1h [use a duration such as "5m" (the providers\' own default)]',
    ]);
  });

  it("needs at least one secret, and refuses secrets with stray whitespace", () => {
    expect(problems({ scheme: "github", secrets: [] })[0]).toMatch(
      /^secrets: needs at least one webhook secret/,
    );
    expect(problems({ scheme: "github", secrets: ["abc\n"] })[0]).toMatch(
      /^secrets\.0: has leading or trailing whitespace/,
    );
  });

  it("checks Standard Webhooks key formats", () => {
    expect(
      problems({ scheme: "standard-webhooks", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }),
    ).toEqual([]);
    expect(problems({ scheme: "svix", secrets: ["whsec_not base64!"] })[0]).toMatch(
      /^secrets\.0: is not whsec_<base64>/,
    );
    expect(problems({ scheme: "standard-webhooks", secrets: ["whpk_AAAA"] })[0]).toMatch(
      /must hold 32 bytes, this holds 3/,
    );
    expect(problems({ scheme: "standard-webhooks", secrets: [`whsk_${"A".repeat(43)}=`] })).toEqual([]);
  });

  it("refuses a Stripe API key where the signing secret belongs", () => {
    expect(problems({ scheme: "stripe", secrets: ["sk_live_123"] })[0]).toMatch(/is a Stripe API key/);
  });

  describe("hmac", () => {
    const base = { scheme: "hmac", secrets: ["s"], header: "X-Sig" };

    it("lower-cases the header name and applies defaults", () => {
      expect(VerifySchema.parse(base)).toMatchObject({
        header: "x-sig",
        algorithm: "SHA-256",
        encoding: "hex",
        prefix: "",
        template: "{body}",
        secretEncoding: "utf8",
      });
    });

    it("insists that the body is signed exactly once", () => {
      expect(problems({ ...base, template: "{timestamp}" }).join()).toMatch(
        /must contain \{body\} exactly once/,
      );
      expect(problems({ ...base, template: "{body}{body}" }).join()).toMatch(/exactly once/);
    });

    it("insists that a checked timestamp is also signed, and that a signed one has a header", () => {
      expect(problems({ ...base, timestampHeader: "x-ts" }).join()).toMatch(
        /would not be signed and could be replayed/,
      );
      expect(problems({ ...base, template: "{timestamp}.{body}" }).join()).toMatch(
        /^timestampHeader: missing/,
      );
      expect(problems({ ...base, template: "{timestamp}.{body}", timestampHeader: "x-ts" })).toEqual([]);
    });

    it("refuses unknown placeholders, {id} without idHeader, and undecodable secrets", () => {
      expect(problems({ ...base, template: "{nonce}.{body}" }).join()).toMatch(
        /unknown placeholder \{nonce\}/,
      );
      expect(problems({ ...base, template: "{id}.{body}" }).join()).toMatch(/^idHeader: missing/);
      expect(problems({ ...base, secretEncoding: "hex", secrets: ["xyz"] }).join()).toMatch(
        /secrets\.0: is not hex/,
      );
      expect(problems({ ...base, header: "bad header" }).join()).toMatch(/is not an HTTP header name/);
    });
  });

  describe("jwt", () => {
    const claims = { issuer: "i", audience: "a", bindsBody: false };
    const base = { scheme: "jwt", keys: [{ secret: "s" }], algorithms: ["HS256"], ...claims };

    it("never accepts alg none", () => {
      expect(problems({ ...base, algorithms: ["none"] }).join()).toMatch(/"none" is never accepted/);
      expect(problems({ ...base, algorithms: [] }).join()).toMatch(/needs at least one algorithm/);
    });

    it("needs exactly one of jwksUrl and keys", () => {
      expect(problems({ scheme: "jwt", algorithms: ["RS256"] }).join()).toMatch(
        /exactly one of jwksUrl and keys/,
      );
      expect(problems({ ...base, jwksUrl: "https://x.example/jwks" }).join()).toMatch(
        /exactly one of jwksUrl and keys/,
      );
    });

    it("matches algorithms to the kind of key", () => {
      expect(
        problems({ scheme: "jwt", jwksUrl: "https://x.example/jwks", algorithms: ["HS256"] }).join(),
      ).toMatch(/HS256 needs a shared secret/);
      expect(problems({ ...base, algorithms: ["RS256"] }).join()).toMatch(/RS256 needs a public key/);
    });

    it("wants https for a JWKS (http only on loopback) and public JWKs only", () => {
      expect(
        problems({ scheme: "jwt", jwksUrl: "http://x.example/jwks", algorithms: ["RS256"] }).join(),
      ).toMatch(/must be https/);
      expect(
        problems({ scheme: "jwt", jwksUrl: "http://localhost:8080/jwks", algorithms: ["RS256"], ...claims }),
      ).toEqual([]);
      const privateJwk = { kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" };
      expect(
        problems({ scheme: "jwt", keys: [{ jwk: privateJwk }], algorithms: ["ES256"], ...claims }).join(),
      ).toMatch(/is a private key/);
    });
  });

  it("refuses a Basic user name with a colon", () => {
    expect(problems({ scheme: "basic", credentials: [{ username: "a:b", password: "p" }] }).join()).toMatch(
      /must not contain ':'/,
    );
  });
});
