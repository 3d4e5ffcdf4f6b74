import { describe, expect, it } from "vitest";
import { utf8 } from "./encoding.js";
import { VerifySchema } from "./schema.js";
import { signStripe } from "./stripe.js";
import { makeRequest, outcome } from "./test-support.js";
import { createVerifier } from "./verifier.js";

const T = 1_614_556_800;
const NOW = T * 1000;
const SECRET = "whsec_test_secret";
const verify = createVerifier(VerifySchema.parse({ scheme: "stripe", secrets: [SECRET] }));

async function request(body: string, header?: string) {
  return makeRequest({
    headers: { "stripe-signature": header ?? (await signStripe(SECRET, T, utf8(body))) },
    body,
  });
}

describe("stripe", () => {
  it("takes the event id from the verified body as the message id", async () => {
    const result = await verify(await request('{"id":"evt_123","object":"event"}'), { now: NOW });
    expect(result).toEqual({ ok: true, messageId: "evt_123", timestamp: NOW });
  });

  it("still verifies a body that is not JSON (the mapping step reports it), without a message id", async () => {
    const result = await verify(await request("not json"), { now: NOW });
    expect(result).toEqual({ ok: true, timestamp: NOW });
  });

  it("refuses a header with two t= values", async () => {
    const header = `${await signStripe(SECRET, T, utf8("{}"))},t=${T}`;
    expect(await outcome(verify(await request("{}", header), { now: NOW }))).toBe(
      "signature_invalid/malformed_header",
    );
  });

  it("ignores v0 (test-mode) signatures next to a valid v1", async () => {
    const header = (await signStripe(SECRET, T, utf8("{}"))).replace(",v1=", `,v0=${"a".repeat(64)},v1=`);
    expect(await outcome(verify(await request("{}", header), { now: NOW }))).toBe("ok");
  });

  it("refuses upper-case hex (Stripe sends lower case; one spelling per signature)", async () => {
    const header = (await signStripe(SECRET, T, utf8("{}"))).replace(
      /v1=(\w+)/,
      (_m, hex: string) => `v1=${hex.toUpperCase()}`,
    );
    expect(await outcome(verify(await request("{}", header), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("uses the whole whsec_ string as the key, not its base64 decoding", async () => {
    const decodedKey = createVerifier(VerifySchema.parse({ scheme: "stripe", secrets: ["test_secret"] }));
    expect(await outcome(decodedKey(await request("{}"), { now: NOW }))).toBe("signature_invalid/mismatch");
  });
});
