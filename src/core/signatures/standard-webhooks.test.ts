import { describe, expect, it } from "vitest";
import { toBase64, utf8 } from "./encoding.js";
import { VerifySchema } from "./schema.js";
import { signStandardWebhooks } from "./standard-webhooks.js";
import { makeRequest, outcome } from "./test-support.js";
import { createVerifier } from "./verifier.js";

const T = 1_614_265_330;
const NOW = T * 1000;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = '{"test": 2432232314}';
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const verifierFor = (scheme: "standard-webhooks" | "svix", secrets: string[] = [SECRET]) =>
  createVerifier(VerifySchema.parse({ scheme, secrets }));

describe("standard-webhooks", () => {
  const verify = verifierFor("standard-webhooks");
  const headers = { "webhook-id": ID, "webhook-timestamp": String(T), "webhook-signature": SIGNATURE };

  it("reports the id and timestamp for dedupe", async () => {
    const result = await verify(makeRequest({ headers, body: BODY }), { now: NOW });
    expect(result).toEqual({ ok: true, messageId: ID, timestamp: NOW });
  });

  it("accepts a Headers object as well as a record", async () => {
    const req = { ...makeRequest({ headers, body: BODY }), headers: new Headers(headers) };
    expect(await outcome(verify(req, { now: NOW }))).toBe("ok");
  });

  it("reads a bare base64 secret like the libraries do (whsec_ is optional)", async () => {
    const bare = verifierFor("standard-webhooks", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    expect(await outcome(bare(makeRequest({ headers, body: BODY }), { now: NOW }))).toBe("ok");
  });

  it("does not accept the whsec_ string used as text (Stripe's convention)", async () => {
    const key = await crypto.subtle.importKey("raw", utf8(SECRET), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(`${ID}.${T}.${BODY}`)));
    const forged = { ...headers, "webhook-signature": `v1,${toBase64(mac)}` };
    expect(await outcome(verify(makeRequest({ headers: forged, body: BODY }), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a request without webhook-id", async () => {
    const { "webhook-id": _, ...rest } = headers;
    expect(await outcome(verify(makeRequest({ headers: rest, body: BODY }), { now: NOW }))).toBe(
      "signature_invalid/missing_header",
    );
  });

  it("refuses a changed webhook-id (it is signed)", async () => {
    const changed = { ...headers, "webhook-id": `${ID}x` };
    expect(await outcome(verify(makeRequest({ headers: changed, body: BODY }), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a partial signature (v1, with nothing after it)", async () => {
    const partial = { ...headers, "webhook-signature": "v1," };
    expect(await outcome(verify(makeRequest({ headers: partial, body: BODY }), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a signature in non-canonical base64 (spare bits set)", async () => {
    // ...1OE= and ...1OF= decode to the same bytes; only the canonical spelling is the signature.
    const spare = { ...headers, "webhook-signature": SIGNATURE.replace("1OE=", "1OF=") };
    expect(await outcome(verify(makeRequest({ headers: spare, body: BODY }), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a header with more than 16 signatures", async () => {
    const many = { ...headers, "webhook-signature": `${"v1,AAAA ".repeat(16)}${SIGNATURE}` };
    expect(await outcome(verify(makeRequest({ headers: many, body: BODY }), { now: NOW }))).toBe(
      "signature_invalid/malformed_header",
    );
  });

  it("verifies v1 and v1a from one source holding an HMAC secret and an Ed25519 key", async () => {
    const mixed = verifierFor("standard-webhooks", [SECRET, `whsk_${toBase64(new Uint8Array(32).fill(7))}`]);
    const v1a = await signStandardWebhooks(`whsk_${toBase64(new Uint8Array(32).fill(7))}`, ID, T, utf8(BODY));
    expect(v1a.startsWith("v1a,")).toBe(true);
    for (const signature of [SIGNATURE, v1a]) {
      const req = makeRequest({ headers: { ...headers, "webhook-signature": signature }, body: BODY });
      expect(await outcome(mixed(req, { now: NOW }))).toBe("ok");
    }
  });
});

describe("svix", () => {
  const verify = verifierFor("svix");

  it("verifies the svix-* headers", async () => {
    const headers = { "svix-id": ID, "svix-timestamp": String(T), "svix-signature": SIGNATURE };
    expect(await verify(makeRequest({ headers, body: BODY }), { now: NOW })).toEqual({
      ok: true,
      messageId: ID,
      timestamp: NOW,
    });
  });

  it("falls back to the unbranded webhook-* headers, as Svix's libraries do", async () => {
    const headers = { "webhook-id": ID, "webhook-timestamp": String(T), "webhook-signature": SIGNATURE };
    expect(await outcome(verify(makeRequest({ headers, body: BODY }), { now: NOW }))).toBe("ok");
  });

  it("names the svix-* headers when none is present", async () => {
    const err = await verify(makeRequest({ headers: {}, body: BODY }), { now: NOW }).catch((e: Error) => e);
    expect(String((err as Error).message)).toContain("svix-id, svix-timestamp, svix-signature");
  });
});
