import { describe, expect, it } from "vitest";
import { isTaskgateError } from "../errors.js";
import { toBase64, toHex, utf8 } from "./encoding.js";
import { type SchemeConfigInput, VerifySchema } from "./schema.js";
import { signRequest } from "./sign.js";
import { makeRequest, outcome, rejection, replaceChar, TEST_URL } from "./test-support.js";
import { createVerifier } from "./verifier.js";

/**
 * One test per rejection path per HMAC-style scheme, in the manner of the Standard Webhooks test
 * suites: missing and malformed headers, an unknown secret, a one-byte change to the body or the
 * timestamp, the exact edges of the tolerance window on both sides, rotation, the wrong algorithm
 * or prefix, and several signatures of which one is valid. Requests are signed with sign.ts, so
 * every case is also a round trip of the provider's construction.
 *
 * Tolerance edges (inclusive): a timestamp exactly 300 s old or ahead passes; 300 s + 1 s, and
 * even 300 s + 1 ms, fails with `timestamp_out_of_tolerance`.
 */

const T = 1_750_000_000; // seconds
const NOW = T * 1000;
const BODY = '{"id":"evt_1","event":"envelope-completed","data":{"envelopeId":"e-42"}}';
const FORM_BODY = "CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309";

interface Harness {
  name: string;
  config: (secrets: string[]) => SchemeConfigInput;
  secrets: { old: string; current: string; unknown: string };
  body?: string;
  signatureHeader: string;
  /** The header holding the signed timestamp; Stripe's lives inside its signature header. */
  timestamp?: { header?: string; missingReason: string };
  malformed: string;
  malformedReason: string;
  wrongAlgorithm: (valid: string) => string;
  wrongAlgorithmReason: string;
  /** Headers carrying several signatures of which only `valid` verifies. */
  multi?: (valid: string) => Record<string, string>;
  messageId?: string;
}

const b64 = (text: string) => toBase64(utf8(text.padEnd(32, "!").slice(0, 32)));

const harnesses: Harness[] = [
  {
    name: "standard-webhooks (v1 HMAC)",
    config: (secrets) => ({ scheme: "standard-webhooks", secrets }),
    secrets: {
      old: `whsec_${b64("old secret")}`,
      current: `whsec_${b64("current secret")}`,
      unknown: `whsec_${b64("unknown")}`,
    },
    signatureHeader: "webhook-signature",
    timestamp: { header: "webhook-timestamp", missingReason: "signature_invalid/missing_header" },
    malformed: "v1",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: (valid) => valid.replace(/^v1,/, "v2,"),
    wrongAlgorithmReason: "signature_invalid/malformed_header",
    multi: (valid) => ({
      "webhook-signature": `v1,${toBase64(new Uint8Array(32))} v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${valid} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=`,
    }),
    messageId: "msg_1",
  },
  {
    name: "standard-webhooks (v1a Ed25519)",
    config: (secrets) => ({ scheme: "standard-webhooks", secrets }),
    secrets: {
      old: `whsk_${b64("old seed")}`,
      current: `whsk_${b64("current seed")}`,
      unknown: `whsk_${b64("unknown seed")}`,
    },
    signatureHeader: "webhook-signature",
    timestamp: { header: "webhook-timestamp", missingReason: "signature_invalid/missing_header" },
    malformed: "v1a,",
    malformedReason: "signature_invalid/mismatch",
    wrongAlgorithm: (valid) => valid.replace(/^v1a,/, "v1,"),
    wrongAlgorithmReason: "signature_invalid/mismatch",
    multi: (valid) => ({ "webhook-signature": `v1a,${toBase64(new Uint8Array(64))} ${valid}` }),
    messageId: "msg_1",
  },
  {
    name: "svix",
    config: (secrets) => ({ scheme: "svix", secrets }),
    secrets: {
      old: `whsec_${b64("old secret")}`,
      current: `whsec_${b64("current secret")}`,
      unknown: `whsec_${b64("unknown")}`,
    },
    signatureHeader: "svix-signature",
    timestamp: { header: "svix-timestamp", missingReason: "signature_invalid/missing_header" },
    malformed: "garbage",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: (valid) => valid.replace(/^v1,/, "v2,"),
    wrongAlgorithmReason: "signature_invalid/malformed_header",
    multi: (valid) => ({ "svix-signature": `v1,${toBase64(new Uint8Array(32))} ${valid}` }),
    messageId: "msg_1",
  },
  {
    name: "github",
    config: (secrets) => ({ scheme: "github", secrets }),
    secrets: { old: "old-github-secret", current: "current-github-secret", unknown: "unknown-secret" },
    signatureHeader: "x-hub-signature-256",
    malformed: "sha256=not-hex",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: () => `sha1=${"ab".repeat(20)}`,
    wrongAlgorithmReason: "signature_invalid/wrong_algorithm",
    messageId: "msg_1",
  },
  {
    name: "stripe",
    config: (secrets) => ({ scheme: "stripe", secrets }),
    secrets: {
      old: "whsec_old_stripe_secret",
      current: "whsec_current_stripe_secret",
      unknown: "whsec_unknown",
    },
    signatureHeader: "stripe-signature",
    timestamp: { missingReason: "signature_invalid/malformed_header" },
    malformed: "not a stripe header",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: (valid) => valid.replace(",v1=", ",v0="),
    wrongAlgorithmReason: "signature_invalid/wrong_algorithm",
    multi: (valid) => ({
      "stripe-signature": valid.replace(",v1=", `,v1=${"0".repeat(64)},v0=${"1".repeat(64)},v1=`),
    }),
    messageId: "evt_1",
  },
  {
    name: "slack",
    config: (secrets) => ({ scheme: "slack", secrets }),
    secrets: { old: "old-slack-signing-secret", current: "current-slack-signing-secret", unknown: "unknown" },
    signatureHeader: "x-slack-signature",
    timestamp: { header: "x-slack-request-timestamp", missingReason: "signature_invalid/missing_header" },
    malformed: "v0=xyz",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: (valid) => valid.replace(/^v0=/, "v1="),
    wrongAlgorithmReason: "signature_invalid/wrong_algorithm",
  },
  {
    name: "shopify",
    config: (secrets) => ({ scheme: "shopify", secrets }),
    secrets: {
      old: "old-shopify-client-secret",
      current: "current-shopify-client-secret",
      unknown: "unknown",
    },
    signatureHeader: "x-shopify-hmac-sha256",
    malformed: "%%%not base64%%%",
    malformedReason: "signature_invalid/malformed_header",
    // The same MAC as hex (what a confused sender might send) is not the base64 Shopify uses.
    wrongAlgorithm: (valid) => toHex(Uint8Array.from(atob(valid), (c) => c.charCodeAt(0))),
    wrongAlgorithmReason: "signature_invalid/malformed_header",
    messageId: "msg_1",
  },
  {
    name: "twilio",
    config: (secrets) => ({ scheme: "twilio", secrets }),
    secrets: { old: "old-auth-token", current: "current-auth-token", unknown: "unknown-token" },
    body: FORM_BODY,
    signatureHeader: "x-twilio-signature",
    malformed: "***",
    malformedReason: "signature_invalid/malformed_header",
    // A SHA-256 HMAC where Twilio sends SHA-1.
    wrongAlgorithm: () => toBase64(new Uint8Array(32)),
    wrongAlgorithmReason: "signature_invalid/malformed_header",
  },
  {
    name: "docusign",
    config: (secrets) => ({ scheme: "docusign", secrets }),
    secrets: { old: "old-connect-key", current: "current-connect-key", unknown: "unknown-key" },
    signatureHeader: "x-docusign-signature-1",
    malformed: "!!",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: () => toBase64(new Uint8Array(64)),
    wrongAlgorithmReason: "signature_invalid/malformed_header",
    multi: (valid) => ({
      "x-docusign-signature-1": toBase64(new Uint8Array(32)),
      "x-docusign-signature-2": valid,
    }),
  },
  {
    name: "hmac (generic, {timestamp}.{body}, sha256= prefix, comma-separated)",
    config: (secrets) => ({
      scheme: "hmac",
      secrets,
      header: "X-Signature",
      prefix: "sha256=",
      separator: ",",
      timestampHeader: "X-Timestamp",
      idHeader: "x-delivery",
      template: "{timestamp}.{body}",
    }),
    secrets: { old: "old-generic-secret", current: "current-generic-secret", unknown: "unknown" },
    signatureHeader: "x-signature",
    timestamp: { header: "x-timestamp", missingReason: "signature_invalid/missing_header" },
    malformed: "sha256=ZZ",
    malformedReason: "signature_invalid/malformed_header",
    wrongAlgorithm: (valid) => valid.replace(/^sha256=/, "sha512="),
    wrongAlgorithmReason: "signature_invalid/wrong_algorithm",
    multi: (valid) => ({ "x-signature": `sha256=${"0".repeat(64)},${valid}` }),
    messageId: "msg_1",
  },
];

describe.each(harnesses.map((h) => [h.name, h] as const))("%s", (_name, h) => {
  const body = h.body ?? BODY;
  const verifier = createVerifier(VerifySchema.parse(h.config([h.secrets.old, h.secrets.current])));
  const verify = (headers: Record<string, string>, opts: { body?: string; now?: number } = {}) =>
    verifier(makeRequest({ headers, body: opts.body ?? body }), { now: opts.now ?? NOW });

  async function signed(opts: { secret?: string; at?: number } = {}) {
    const config = VerifySchema.parse(h.config([opts.secret ?? h.secrets.current]));
    const { headers } = await signRequest(config, {
      url: TEST_URL,
      body: utf8(body),
      now: (opts.at ?? T) * 1000,
      messageId: "msg_1",
    });
    return headers;
  }

  it("accepts a request signed with the current secret", async () => {
    const result = await verify(await signed());
    expect(result.ok).toBe(true);
    if (h.messageId) expect(result.messageId).toBe(h.messageId);
    if (h.timestamp) expect(result.timestamp).toBe(NOW);
  });

  it("accepts a request signed with the old secret (rotation)", async () => {
    expect(await outcome(verify(await signed({ secret: h.secrets.old })))).toBe("ok");
  });

  it("refuses a secret it does not know", async () => {
    expect(await outcome(verify(await signed({ secret: h.secrets.unknown })))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a request without the signature header", async () => {
    const headers = await signed();
    delete headers[h.signatureHeader];
    expect(await outcome(verify(headers))).toBe("signature_invalid/missing_header");
  });

  it("refuses a malformed signature header", async () => {
    const headers = { ...(await signed()), [h.signatureHeader]: h.malformed };
    expect(await outcome(verify(headers))).toBe(h.malformedReason);
  });

  it("refuses a one-byte change to the body", async () => {
    const headers = await signed();
    const i = body.indexOf("1");
    expect(await outcome(verify(headers, { body: replaceChar(body, i, "2") }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses the wrong algorithm or prefix", async () => {
    const headers = await signed();
    headers[h.signatureHeader] = h.wrongAlgorithm(headers[h.signatureHeader]!);
    expect(await outcome(verify(headers))).toBe(h.wrongAlgorithmReason);
  });

  if (h.multi) {
    const multi = h.multi;
    it("accepts several signatures when one of them is valid", async () => {
      const headers = await signed();
      const valid = headers[h.signatureHeader]!;
      delete headers[h.signatureHeader];
      expect(await outcome(verify({ ...headers, ...multi(valid) }))).toBe("ok");
    });
  }

  it("never names the secret or the expected signature in an error", async () => {
    const good = await signed();
    const forged = await signed({ secret: h.secrets.unknown });
    const err = await rejection(verify(forged));
    expect(isTaskgateError(err)).toBe(true);
    const text = isTaskgateError(err) ? `${err.message} ${JSON.stringify(err.details)}` : "";
    for (const secret of [h.secrets.old, h.secrets.current]) expect(text).not.toContain(secret);
    expect(text).not.toContain(good[h.signatureHeader]);
    expect(text).not.toContain(forged[h.signatureHeader]);
  });

  const ts = h.timestamp;
  if (!ts) return;

  it("refuses a request without the timestamp", async () => {
    const headers = await signed();
    if (ts.header) delete headers[ts.header];
    else headers[h.signatureHeader] = headers[h.signatureHeader]!.replace(/t=\d+,/, "");
    expect(await outcome(verify(headers))).toBe(ts.missingReason);
  });

  it("refuses a changed timestamp (it is signed)", async () => {
    const headers = await signed();
    if (ts.header) headers[ts.header] = String(T - 1);
    else headers[h.signatureHeader] = headers[h.signatureHeader]!.replace(`t=${T}`, `t=${T - 1}`);
    expect(await outcome(verify(headers))).toBe("signature_invalid/mismatch");
  });

  it("refuses a timestamp that is not Unix seconds", async () => {
    const headers = await signed();
    if (ts.header) headers[ts.header] = `${T}.5`;
    else headers[h.signatureHeader] = headers[h.signatureHeader]!.replace(`t=${T}`, `t=${T}.5`);
    expect(await outcome(verify(headers))).toBe("signature_invalid/malformed_timestamp");
  });

  it("accepts a timestamp exactly 300 s old", async () => {
    expect(await outcome(verify(await signed({ at: T - 300 })))).toBe("ok");
  });

  it("refuses a timestamp 301 s old", async () => {
    expect(await outcome(verify(await signed({ at: T - 301 })))).toBe("timestamp_out_of_tolerance/stale");
  });

  it("refuses a timestamp 300 s and 1 ms old", async () => {
    expect(await outcome(verify(await signed({ at: T - 300 }), { now: NOW + 1 }))).toBe(
      "timestamp_out_of_tolerance/stale",
    );
  });

  it("accepts a timestamp exactly 300 s ahead", async () => {
    expect(await outcome(verify(await signed({ at: T + 300 })))).toBe("ok");
  });

  it("refuses a timestamp 301 s ahead", async () => {
    expect(await outcome(verify(await signed({ at: T + 301 })))).toBe("timestamp_out_of_tolerance/future");
  });

  it("honours a configured tolerance", async () => {
    const config = { ...h.config([h.secrets.current]), tolerance: "10m" } as SchemeConfigInput;
    const wide = createVerifier(VerifySchema.parse(config));
    const at = async (seconds: number) =>
      outcome(wide(makeRequest({ headers: await signed({ at: seconds }), body }), { now: NOW }));
    expect(await at(T - 600)).toBe("ok");
    expect(await at(T - 601)).toBe("timestamp_out_of_tolerance/stale");
  });

  it("lets the context override the tolerance", async () => {
    const headers = await signed({ at: T - 61 });
    expect(await outcome(verifier(makeRequest({ headers, body }), { now: NOW, toleranceMs: 60_000 }))).toBe(
      "timestamp_out_of_tolerance/stale",
    );
  });
});
