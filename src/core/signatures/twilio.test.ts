import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "./encoding.js";
import { VerifySchema } from "./schema.js";
import { signRequest } from "./sign.js";
import { makeRequest, outcome } from "./test-support.js";
import { signTwilio, urlVariants } from "./twilio.js";
import { createVerifier } from "./verifier.js";

const TOKEN = "12345";
const verify = createVerifier(VerifySchema.parse({ scheme: "twilio", secrets: [TOKEN] }));
const PARAMS = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234";

async function check(signedUrl: string, requestUrl: string, body = PARAMS) {
  const signature = await signTwilio(TOKEN, signedUrl, new URLSearchParams(body));
  return outcome(
    verify(makeRequest({ url: requestUrl, headers: { "x-twilio-signature": signature }, body }), { now: 0 }),
  );
}

describe("twilio", () => {
  it("accepts a signature made with the default port when the request URL has none", async () => {
    expect(
      await check("https://example.com:443/path?test=param", "https://example.com/path?test=param"),
    ).toBe("ok");
  });

  it("accepts a signature made without the port when the request URL has it", async () => {
    expect(
      await check("https://example.com/path?test=param", "https://example.com:443/path?test=param"),
    ).toBe("ok");
    expect(await check("http://example.com/path", "http://example.com:80/path")).toBe("ok");
  });

  it("refuses a signature made for another query", async () => {
    expect(await check("https://example.com/path?test=param", "https://example.com/path?test=param2")).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a signature made for another host", async () => {
    expect(await check("https://evil.example/path", "https://example.com/path")).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("checks the body against a signed bodySHA256", async () => {
    const body = '{"CallSid":"CA1234567890ABCDE"}';
    const config = VerifySchema.parse({ scheme: "twilio", secrets: [TOKEN] });
    const signed = await signRequest(config, { url: "https://example.com/hook", body: utf8(body), now: 0 });
    expect(signed.url).toMatch(/\?bodySHA256=[0-9a-f]{64}$/);
    const ok = makeRequest({ url: signed.url, headers: signed.headers, body });
    expect(await outcome(verify(ok, { now: 0 }))).toBe("ok");
    const tampered = makeRequest({
      url: signed.url,
      headers: signed.headers,
      body: body.replace("CA", "CB"),
    });
    expect(await outcome(verify(tampered, { now: 0 }))).toBe("signature_invalid/body_hash_mismatch");
  });

  it("refuses a bodySHA256 that is not the body's hash even when the URL signature is valid", async () => {
    const url = `https://example.com/hook?bodySHA256=${toHex(new Uint8Array(32))}`;
    const signature = await signTwilio(TOKEN, url);
    const req = makeRequest({ url, headers: { "x-twilio-signature": signature }, body: "{}" });
    expect(await outcome(verify(req, { now: 0 }))).toBe("signature_invalid/body_hash_mismatch");
  });

  it("uses I-Twilio-Idempotency-Token as the message id", async () => {
    const signature = await signTwilio(TOKEN, "https://example.com/hook", new URLSearchParams(PARAMS));
    const headers = { "x-twilio-signature": signature, "i-twilio-idempotency-token": "idem-1" };
    const result = await verify(makeRequest({ url: "https://example.com/hook", headers, body: PARAMS }), {
      now: 0,
    });
    expect(result.messageId).toBe("idem-1");
  });

  it("refuses a request URL it cannot read", async () => {
    const signature = await signTwilio(TOKEN, "not a url");
    const req = makeRequest({ url: "not a url", headers: { "x-twilio-signature": signature } });
    expect(await outcome(verify(req, { now: 0 }))).toBe("signature_invalid/mismatch");
  });

  it("builds the port variants as strings, keeping what was signed", () => {
    expect(urlVariants("https://a.example/p?q='x'")).toEqual([
      "https://a.example/p?q='x'",
      "https://a.example:443/p?q='x'",
    ]);
    expect(urlVariants("http://u:p@[::1]:8080/x")).toEqual(["http://u:p@[::1]:8080/x", "http://u:p@[::1]/x"]);
    expect(urlVariants("ftp://a.example/")).toBeUndefined();
  });
});
