import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/signatures/encoding.js";
import { type SchemeConfigInput, VerifySchema } from "../../src/core/signatures/schema.js";
import { flipByte, makeRequest, outcome, replaceChar } from "../../src/core/signatures/test-support.js";
import vectorFile from "../../src/core/signatures/vectors.json" with { type: "json" };
import { createVerifier, type VerifierOptions } from "../../src/core/signatures/verifier.js";

/**
 * The known-answer vectors (src/core/signatures/vectors.json, see vectors.test.ts for where they
 * come from) as one verification suite, run once per HMAC engine: Web Crypto and node:crypto on
 * Node (src/core/signatures/vectors.test.ts) and Web Crypto inside workerd
 * (test/workers/signature-vectors.test.ts). Each vector must verify (or be refused, when it is a
 * negative one) and be refused after a one-byte change to its body, secret or timestamp.
 */

export interface Vector {
  id: string;
  scheme: string;
  provenance: string;
  source: string;
  alg?: string;
  key_utf8?: string;
  key_base64?: string;
  key_hex?: string;
  secret?: string;
  msg_id?: string;
  timestamp?: string;
  url?: string;
  signed_content?: string;
  signed_content_desc?: string;
  body_repeat?: { char: string; count: number };
  expected: string | boolean;
  public_key_hex?: string;
  taskgate: {
    verify: SchemeConfigInput;
    request: {
      method: string;
      url: string;
      headers: Record<string, string>;
      body?: string;
      body_repeat?: { char: string; count: number };
    };
    now: number;
    expect: "accept" | "reject";
    messageId?: string;
    signingSecret?: string;
  } | null;
}

export const vectors = vectorFile as unknown as Vector[];
const schemeVectors = vectors.filter(
  (v): v is Vector & { taskgate: NonNullable<Vector["taskgate"]> } => v.taskgate !== null,
);

function bodyOf(v: { taskgate: NonNullable<Vector["taskgate"]> }): Uint8Array {
  const { body, body_repeat } = v.taskgate.request;
  return body_repeat ? utf8(body_repeat.char.repeat(body_repeat.count)) : utf8(body ?? "");
}

function verifyVector(
  options: VerifierOptions,
  v: (typeof schemeVectors)[number],
  change: { body?: Uint8Array; headers?: Record<string, string>; verify?: SchemeConfigInput } = {},
) {
  const verifier = createVerifier(VerifySchema.parse(change.verify ?? v.taskgate.verify), options);
  const req = makeRequest({
    url: v.taskgate.request.url,
    headers: change.headers ?? v.taskgate.request.headers,
    body: change.body ?? bodyOf(v),
  });
  return verifier(req, { now: v.taskgate.now });
}

/** Every scheme vector through `createVerifier` with `options` (the HMAC engine under test). */
export function describeVectorVerification(engine: string, options: VerifierOptions): void {
  describe.each(
    schemeVectors.map(
      (v) => [`${engine}: ${v.taskgate.verify.scheme}: ${v.id} (${v.provenance})`, v] as const,
    ),
  )("%s", (_name, v) => {
    if (v.taskgate.expect === "reject") {
      it("is refused", async () => {
        expect(await outcome(verifyVector(options, v))).toBe("signature_invalid/mismatch");
      });
      return;
    }

    it("verifies", async () => {
      const result = await verifyVector(options, v);
      expect(result.ok).toBe(true);
      if (v.taskgate.messageId) expect(result.messageId).toBe(v.taskgate.messageId);
    });

    it("is refused after a one-byte change to the body", async () => {
      const body = bodyOf(v);
      if (body.length === 0) return; // the JWS vectors carry no body
      const mutated = flipByte(body, Math.floor(body.length / 2));
      const result = await outcome(verifyVector(options, v, { body: mutated }));
      expect(result).toMatch(/^signature_invalid\//);
    });

    it("is refused after a one-byte change to the secret", async () => {
      const verify = structuredClone(v.taskgate.verify) as Record<string, unknown>;
      if (Array.isArray(verify.secrets)) {
        // A middle character (past any whsec_ prefix) swapped for one that keeps hex/base64 valid.
        const secret = verify.secrets[0] as string;
        const i = Math.floor(secret.length / 2);
        verify.secrets = [replaceChar(secret, i, secret[i] === "A" ? "B" : secret[i] === "0" ? "1" : "A")];
      } else if (Array.isArray(verify.keys)) {
        const key = (verify.keys as Array<{ jwk: Record<string, string> }>)[0]!.jwk;
        const field = key.kty === "oct" ? "k" : "x";
        const value = key[field]!;
        key[field] = replaceChar(value, 5, value[5] === "A" ? "B" : "A");
      }
      const result = await outcome(verifyVector(options, v, { verify: verify as SchemeConfigInput }));
      expect(result).toMatch(/^signature_invalid\/(mismatch|key_not_found)$/);
    });

    const timestampHeader = Object.keys(v.taskgate.request.headers).find((h) => /timestamp/.test(h));
    if (timestampHeader || v.taskgate.verify.scheme === "stripe") {
      it("is refused after a one-byte change to the timestamp", async () => {
        const headers = { ...v.taskgate.request.headers };
        if (timestampHeader) {
          const ts = headers[timestampHeader]!;
          headers[timestampHeader] = replaceChar(ts, ts.length - 5, ts[ts.length - 5] === "1" ? "2" : "1");
        } else {
          headers["stripe-signature"] = headers["stripe-signature"]!.replace(
            /t=(\d+)/,
            (_m, t: string) => `t=${Number(t) + 1}`,
          );
        }
        expect(await outcome(verifyVector(options, v, { headers }))).toBe("signature_invalid/mismatch");
      });
    }
  });
}
