import { describe, expect, it } from "vitest";
import { toBase64, utf8 } from "./encoding.js";
import { VerifySchema } from "./schema.js";
import { makeRequest, outcome } from "./test-support.js";
import { createVerifier } from "./verifier.js";

const verify = createVerifier(
  VerifySchema.parse({
    scheme: "basic",
    credentials: [
      { username: "lims", password: "old-password-1" },
      { username: "lims", password: "new-password-2" },
    ],
  }),
);
const basic = (userPass: string) =>
  makeRequest({ headers: { authorization: `Basic ${toBase64(utf8(userPass))}` } });

describe("basic", () => {
  it("accepts either configured password (rotation)", async () => {
    expect(await outcome(verify(basic("lims:old-password-1"), { now: 0 }))).toBe("ok");
    expect(await outcome(verify(basic("lims:new-password-2"), { now: 0 }))).toBe("ok");
  });

  it("accepts a password containing a colon (only the first one splits)", async () => {
    const colon = createVerifier(
      VerifySchema.parse({ scheme: "basic", credentials: [{ username: "u", password: "a:b" }] }),
    );
    expect(await outcome(colon(basic("u:a:b"), { now: 0 }))).toBe("ok");
  });

  it("refuses a wrong password, a wrong user name and a one-character change", async () => {
    expect(await outcome(verify(basic("lims:wrong"), { now: 0 }))).toBe("signature_invalid/mismatch");
    expect(await outcome(verify(basic("erp:new-password-2"), { now: 0 }))).toBe("signature_invalid/mismatch");
    expect(await outcome(verify(basic("lims:new-password-3"), { now: 0 }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a missing or malformed Authorization header", async () => {
    expect(await outcome(verify(makeRequest({ headers: {} }), { now: 0 }))).toBe(
      "signature_invalid/missing_header",
    );
    const bearer = makeRequest({ headers: { authorization: "Bearer abc" } });
    expect(await outcome(verify(bearer, { now: 0 }))).toBe("signature_invalid/malformed_header");
    const noColon = makeRequest({ headers: { authorization: `Basic ${toBase64(utf8("lims"))}` } });
    expect(await outcome(verify(noColon, { now: 0 }))).toBe("signature_invalid/malformed_header");
  });
});
