import { describe, expect, it } from "vitest";
import { utf8 } from "./encoding.js";
import { VerifySchema } from "./schema.js";
import { signSlack } from "./slack.js";
import { makeRequest, outcome } from "./test-support.js";
import { createVerifier } from "./verifier.js";

const T = 1_531_420_618;
const NOW = T * 1000;
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const verify = createVerifier(VerifySchema.parse({ scheme: "slack", secrets: [SECRET] }));

async function request(body: string, secret = SECRET) {
  return makeRequest({
    headers: {
      "x-slack-request-timestamp": String(T),
      "x-slack-signature": await signSlack(secret, T, utf8(body)),
      "content-type": "application/json",
    },
    body,
  });
}

describe("slack", () => {
  const challenge =
    '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';

  it("answers a signed url_verification with its challenge", async () => {
    const result = await verify(await request(challenge), { now: NOW });
    expect(result.handshake).toEqual({
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
  });

  it("does not answer a challenge whose signature is wrong", async () => {
    expect(await outcome(verify(await request(challenge, "another secret"), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("takes event_id from an Events API body as the message id", async () => {
    const result = await verify(await request('{"type":"event_callback","event_id":"Ev123"}'), { now: NOW });
    expect(result).toEqual({ ok: true, messageId: "Ev123", timestamp: NOW });
  });

  it("verifies an interactive (form-encoded) payload, which has no message id", async () => {
    const result = await verify(await request("payload=%7B%22type%22%3A%22block_actions%22%7D"), {
      now: NOW,
    });
    expect(result).toEqual({ ok: true, timestamp: NOW });
  });
});
