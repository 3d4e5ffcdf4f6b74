import { describe, expect, it } from "vitest";
import { VerifySchema } from "./schema.js";
import { makeRequest, outcome } from "./test-support.js";
import { createVerifier } from "./verifier.js";

describe("api-key", () => {
  const verify = createVerifier(
    VerifySchema.parse({ scheme: "api-key", keys: ["key-old-123456", "key-new-654321"] }),
  );
  const withKey = (value: string) => makeRequest({ headers: { "x-api-key": value } });

  it("accepts any configured key (rotation)", async () => {
    expect(await outcome(verify(withKey("key-old-123456"), { now: 0 }))).toBe("ok");
    expect(await outcome(verify(withKey("key-new-654321"), { now: 0 }))).toBe("ok");
  });

  it("refuses an unknown key, a prefix of a key and a key with a suffix", async () => {
    for (const value of ["key-other-00000", "key-new-65432", "key-new-6543210"]) {
      expect(await outcome(verify(withKey(value), { now: 0 }))).toBe("signature_invalid/mismatch");
    }
  });

  it("refuses a request without the header", async () => {
    expect(await outcome(verify(makeRequest({ headers: {} }), { now: 0 }))).toBe(
      "signature_invalid/missing_header",
    );
  });

  it("reads the key after a configured prefix in a configured header", async () => {
    const bearer = createVerifier(
      VerifySchema.parse({
        scheme: "api-key",
        header: "Authorization",
        prefix: "Bearer ",
        keys: ["sekret-value"],
      }),
    );
    const ok = makeRequest({ headers: { authorization: "Bearer sekret-value" } });
    expect(await outcome(bearer(ok, { now: 0 }))).toBe("ok");
    const noPrefix = makeRequest({ headers: { authorization: "sekret-value" } });
    expect(await outcome(bearer(noPrefix, { now: 0 }))).toBe("signature_invalid/malformed_header");
  });
});
