import { describe, expect, it } from "vitest";
import { TaskgateError } from "../errors.js";
import { VerifySchema } from "./schema.js";
import { makeRequest, outcome } from "./test-support.js";
import type { WebhookRequest } from "./types.js";
import { createVerifier } from "./verifier.js";

describe("createVerifier", () => {
  it("accepts anything for an explicitly unsigned source", async () => {
    const verify = createVerifier(VerifySchema.parse({ scheme: "none", allowUnsigned: true }));
    expect(await verify(makeRequest({ headers: {} }), { now: 0 })).toEqual({ ok: true });
  });

  it("turns an unexpected exception into a 401 that keeps the original as its cause", async () => {
    const verify = createVerifier(VerifySchema.parse({ scheme: "github", secrets: ["s"] }));
    const hostile = {
      method: "POST",
      url: "https://x.example/",
      rawBody: new Uint8Array(0),
      get headers(): WebhookRequest["headers"] {
        throw new RangeError("boom");
      },
    } as WebhookRequest;
    const err = await verify(hostile, { now: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskgateError);
    expect((err as TaskgateError).status).toBe(401);
    expect((err as TaskgateError).details).toEqual({ scheme: "github", reason: "unverifiable" });
    expect((err as TaskgateError).cause).toBeInstanceOf(RangeError);
  });

  it("rejects with 401 codes only", async () => {
    const verify = createVerifier(VerifySchema.parse({ scheme: "github", secrets: ["s"] }));
    const err = await verify(makeRequest({ headers: { "x-hub-signature-256": "sha256=00" } }), {
      now: 0,
    }).catch((e: unknown) => e);
    expect((err as TaskgateError).status).toBe(401);
    expect(await outcome(Promise.reject(err))).toBe("signature_invalid/malformed_header");
  });
});
