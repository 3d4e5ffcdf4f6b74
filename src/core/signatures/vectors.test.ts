import { describe, expect, it } from "vitest";
import { describeVectorVerification, vectors } from "../../../test/support/signature-vectors.js";
import { nodeHmac } from "../../adapters/runtime/node-hmac.js";
import { signDocusign } from "./docusign.js";
import { concatBytes, fromHex, toHex, utf8 } from "./encoding.js";
import { signGithub } from "./github.js";
import { signHmac } from "./hmac-generic.js";
import { VerifySchema } from "./schema.js";
import { signShopify } from "./shopify.js";
import { signSlack } from "./slack.js";
import { signStandardWebhooks } from "./standard-webhooks.js";
import { importEd25519Public } from "./standard-webhooks-secret.js";
import { signStripe } from "./stripe.js";
import { flipByte } from "./test-support.js";
import { signTwilio } from "./twilio.js";

/**
 * Known-answer vectors, copied with their `source` and `provenance` from the shared collection
 * (shared/webhook-vectors.json, 47 vectors) into vectors.json so the repository is self-contained,
 * plus five found here (marked "added here"): Svix's documented example under svix-* headers,
 * slack-go's security test, and RFC 4231 test cases 1 (hex key, SHA-256/512) and 2 (SHA-512).
 * Each entry's `taskgate` block says how it arrives at taskgate: the `verify` config, the request
 * and the time it is checked at.
 *
 * Shared vectors left out, because taskgate has no scheme for them (yet):
 *   mailgun-php                     signature fields inside the body (timestamp+token), not a header
 *   dropboxsign-base/-account/-signature_request/-template/-example   event_hash inside the body
 *   sendgrid-single/-multi/-old     ECDSA P-256 over timestamp+body (no sendgrid scheme)
 *   atlassian-qsh-1..5              Atlassian Connect query-string hash (a JWT claim, not a webhook MAC)
 *   derived-github-sha1             legacy X-Hub-Signature (SHA-1): refused by the github scheme on purpose
 *   derived-discord                 Ed25519 over timestamp+body (no discord scheme)
 * rfc8032-test1 has no scheme either; it checks the Ed25519 primitive that v1a relies on.
 * zendesk-olddocs-body-then-ts is kept as a negative vector: under the current (timestamp+body)
 * construction its published signature must be refused.
 */

describe("vectors.json", () => {
  it("keeps the provenance and source of every vector", () => {
    expect(vectors.length).toBe(36);
    for (const v of vectors) {
      expect(v.source, v.id).toMatch(/\S/);
      expect(v.provenance, v.id).toMatch(/\S/);
    }
  });
});

describeVectorVerification("Web Crypto", {});
describeVectorVerification("node:crypto HMAC", { hmac: nodeHmac });

/** The sign functions reproduce each published value: the inverse direction of the same vectors. */
describe("signing reproduces the vectors", () => {
  const byId = new Map(vectors.map((v) => [v.id, v]));
  const vector = (id: string) => byId.get(id)!;
  const body = (id: string) => utf8(vector(id).signed_content ?? "");

  it.each([
    "github-docs-sha256",
    "octokit-mysecret",
    "octokit-deno-secret-data",
    "octokit-issue71-escapes",
    "octokit-escaped-backslash",
  ])("github %s", async (id) => {
    expect(await signGithub(vector(id).key_utf8!, body(id))).toBe(vector(id).expected);
  });

  it.each(["stdwh-sign", "stdwh-rust-sign", "svix-docs"])("standard webhooks %s", async (id) => {
    const v = vector(id);
    const req = v.taskgate!.request;
    const signed = await signStandardWebhooks(v.secret!, v.msg_id!, Number(v.timestamp), utf8(req.body!));
    expect(signed).toBe(v.expected);
  });

  it.each(["svix-large-1048576", "svix-large-262144", "svix-large-262143"])(
    "svix large payload %s",
    async (id) => {
      const v = vector(id);
      const payload = utf8(v.body_repeat!.char.repeat(v.body_repeat!.count));
      expect(await signStandardWebhooks(v.secret!, v.msg_id!, Number(v.timestamp), payload)).toBe(v.expected);
    },
  );

  it("standard webhooks v1a (Ed25519) from the whsk_ private key", async () => {
    const v = vector("stdwh-v1a-ed25519");
    const signed = await signStandardWebhooks(
      v.taskgate!.signingSecret!,
      v.msg_id!,
      Number(v.timestamp),
      utf8(v.taskgate!.request.body!),
    );
    expect(signed).toBe(v.expected);
  });

  it.each(["slack-docs", "slack-go-security-test"])("slack %s", async (id) => {
    const v = vector(id);
    expect(await signSlack(v.key_utf8!, v.timestamp!, utf8(v.taskgate!.request.body!))).toBe(v.expected);
  });

  it("shopify", async () => {
    expect(await signShopify(vector("shopify-lib").key_utf8!, body("shopify-lib"))).toBe(
      vector("shopify-lib").expected,
    );
  });

  it("stripe (derived)", async () => {
    const v = vector("derived-stripe");
    expect(await signStripe(v.key_utf8!, Number(v.timestamp), utf8(v.taskgate!.request.body!))).toBe(
      v.expected,
    );
  });

  it("docusign (derived)", async () => {
    expect(await signDocusign(vector("derived-docusign").key_utf8!, body("derived-docusign"))).toBe(
      vector("derived-docusign").expected,
    );
  });

  it.each([
    "twilio-basic",
    "twilio-dup-params",
    "twilio-https-443",
    "twilio-http-80",
    "twilio-http-1234",
    "twilio-json-bodysha256",
  ])("twilio %s", async (id) => {
    const v = vector(id);
    const req = v.taskgate!.request;
    const params = req.url.includes("bodySHA256") ? [] : new URLSearchParams(req.body);
    expect(await signTwilio(v.key_utf8!, req.url, params)).toBe(v.expected);
  });

  it.each([
    "rfc4231-tc2",
    "rfc4231-tc1-sha256",
    "rfc4231-tc1-sha512",
    "rfc4231-tc2-sha512",
    "derived-linear",
    "derived-typeform",
    "derived-zendesk",
    "pagerduty-go",
    "derived-teams",
  ])("generic hmac %s", async (id) => {
    const v = vector(id);
    const config = VerifySchema.parse(v.taskgate!.verify);
    if (config.scheme !== "hmac") throw new Error("not an hmac vector");
    const ts = config.timestampHeader ? v.taskgate!.request.headers[config.timestampHeader] : undefined;
    const signed = await signHmac(config, config.secrets[0]!, {
      body: utf8(v.taskgate!.request.body!),
      ...(ts ? { timestamp: ts } : {}),
    });
    expect(signed).toBe(v.expected);
  });

  it("the Twilio JSON vector's bodySHA256 is the body's SHA-256", async () => {
    const v = vector("twilio-json-bodysha256");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(v.taskgate!.request.body!)));
    expect(new URL(v.taskgate!.request.url).searchParams.get("bodySHA256")).toBe(toHex(digest));
  });
});

describe("rfc8032-test1 (the Ed25519 primitive behind v1a)", () => {
  const v = vectors.find((x) => x.id === "rfc8032-test1")!;

  it("verifies over the empty message and refuses a one-byte change", async () => {
    const key = await importEd25519Public(fromHex(v.public_key_hex!)!);
    const signature = fromHex(v.expected as string)!;
    expect(await crypto.subtle.verify({ name: "Ed25519" }, key, signature, new Uint8Array(0))).toBe(true);
    expect(await crypto.subtle.verify({ name: "Ed25519" }, key, signature, concatBytes(utf8("x")))).toBe(
      false,
    );
    const bad = new Uint8Array(flipByte(signature, 10));
    expect(await crypto.subtle.verify({ name: "Ed25519" }, key, bad, new Uint8Array(0))).toBe(false);
  });
});
