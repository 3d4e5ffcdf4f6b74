import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { nodeHmacSha256 } from "../adapters/runtime/node-hmac.js";
import { TaskgateError } from "./errors.js";
import { type SigningKey, TokenSigner, type TokenSignerOptions } from "./signed-token.js";

const NOW = 1_750_000_000_000;
const KEY_A = { kid: "a", secret: "a".repeat(32) };
const KEY_B = { kid: "b", secret: "b".repeat(32) };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return err instanceof TaskgateError ? err.code : `unexpected: ${String(err)}`;
  }
}

/** Both verifiers: jose (every runtime) and the synchronous HMAC port (Node). */
const VERIFIERS: [string, TokenSignerOptions][] = [
  ["jose", {}],
  ["node:crypto HMAC", { hmacSha256: nodeHmacSha256 }],
];

describe.each(VERIFIERS)("TokenSigner verifying with %s", (_name, options) => {
  const make = (keys: SigningKey[]) => new TokenSigner(keys, options);
  const signer = make([KEY_A, KEY_B]);
  const claims = { purpose: "callback" as const, subject: "wait-1", expiresAt: NOW + 60_000 };

  it("round-trips the subject and purpose", async () => {
    const token = await signer.sign(claims, NOW, "jti-1");
    const payload = await signer.verify(token, "callback", NOW);
    expect(payload.sub).toBe("wait-1");
    expect(payload.jti).toBe("jti-1");
  });

  it("accepts a token signed with an older key that is still configured (rotation)", async () => {
    const old = make([KEY_B]);
    const token = await old.sign(claims, NOW, "j");
    expect(await codeOf(signer.verify(token, "callback", NOW))).toBe("ok");
  });

  it("refuses a token signed with a key that is no longer configured", async () => {
    const token = await make([{ kid: "a", secret: "z".repeat(32) }]).sign(claims, NOW, "j");
    expect(await codeOf(signer.verify(token, "callback", NOW))).toBe("token_invalid");
  });

  it("refuses a token for another purpose", async () => {
    const token = await signer.sign({ ...claims, purpose: "approval" }, NOW, "j");
    expect(await codeOf(signer.verify(token, "callback", NOW))).toBe("token_invalid");
  });

  it("is valid one second before expiry and expired at expiry", async () => {
    const token = await signer.sign(claims, NOW, "j");
    expect(await codeOf(signer.verify(token, "callback", NOW + 59_000))).toBe("ok");
    expect(await codeOf(signer.verify(token, "callback", NOW + 60_000))).toBe("token_expired");
  });

  it("refuses a tampered payload, a truncated token, garbage and an empty string", async () => {
    const token = await signer.sign(claims, NOW, "j");
    const [h, p, s] = token.split(".");
    const forgedPayload = btoa(JSON.stringify({ sub: "wait-2", aud: "taskgate:callback", iss: "taskgate" }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    for (const bad of [`${h}.${forgedPayload}.${s}`, `${h}.${p}`, "not-a-token", "", "x".repeat(5000)]) {
      expect(await codeOf(signer.verify(bad, "callback", NOW))).toBe("token_invalid");
    }
  });

  it("refuses alg none and algorithms other than the pinned one", async () => {
    const none = `${btoa(JSON.stringify({ alg: "none", kid: "a" }))}.${btoa(JSON.stringify({ sub: "wait-1" }))}.`;
    expect(await codeOf(signer.verify(none, "callback", NOW))).toBe("token_invalid");
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: "HS512", kid: "a" })
      .setIssuer("taskgate")
      .setAudience("taskgate:callback")
      .setSubject("wait-1")
      .setJti("j")
      .setExpirationTime(Math.floor((NOW + 60_000) / 1000))
      .sign(new TextEncoder().encode("a".repeat(64)));
    expect(await codeOf(signer.verify(hs512, "callback", NOW))).toBe("token_invalid");
  });

  it("needs at least one key", () => {
    expect(() => make([])).toThrow(TaskgateError);
  });

  it("refuses a token spelled differently from the one handed out (padding, stray low bits)", async () => {
    const token = await signer.sign(claims, NOW, "j");
    expect(await codeOf(signer.verify(token, "callback", NOW))).toBe("ok");
    expect(await codeOf(signer.verify(`${token}=`, "callback", NOW))).toBe("token_invalid");
    expect(await codeOf(signer.verify(`${token}==`, "callback", NOW))).toBe("token_invalid");
    // The signature's last character carries two unused bits: flipping one decodes the same bytes.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1)!);
    const twin = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(await codeOf(signer.verify(twin, "callback", NOW))).toBe("token_invalid");
  });

  /** A token signed with key A's secret over any header and claims (what a key holder could mint). */
  /** A string is sent as the part's JSON text itself. */
  async function minted(header: object | string, claims: object | string): Promise<string> {
    const enc = (v: unknown) =>
      btoa(typeof v === "string" ? v : JSON.stringify(v))
        .replace(/=+$/, "")
        .replace(/\+/g, "-")
        .replace(/\//g, "_");
    const body = `${enc(header)}.${enc(claims)}`;
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(KEY_A.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
    const sig = btoa(String.fromCharCode(...mac))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    return `${body}.${sig}`;
  }
  const exp = Math.floor((NOW + 60_000) / 1000);
  const good = { iss: "taskgate", aud: "taskgate:callback", sub: "wait-1", exp, jti: "j" };
  const head = { alg: "HS256", kid: "a", typ: "JWT" };

  it("accepts a correctly signed token with the audience in a list", async () => {
    expect(await codeOf(signer.verify(await minted(head, good), "callback", NOW))).toBe("ok");
    const listed = await minted(head, { ...good, aud: ["x", "taskgate:callback"] });
    expect(await codeOf(signer.verify(listed, "callback", NOW))).toBe("ok");
  });

  it("refuses correctly signed tokens that miss a required claim or carry a wrong one", async () => {
    const { sub: _s, ...noSub } = good;
    const { jti: _j, ...noJti } = good;
    const { exp: _e, ...noExp } = good;
    const { iss: _i, ...noIss } = good;
    const bad: [Record<string, unknown>, Record<string, unknown>][] = [
      [head, noSub],
      [head, noJti],
      [head, noExp],
      [head, noIss],
      [head, { ...good, iss: "someone-else" }],
      [head, { ...good, aud: "taskgate:approval" }],
      [head, { ...good, exp: String(exp) }],
      [head, { ...good, iat: "yesterday" }],
      [head, { ...good, nbf: Math.floor(NOW / 1000) + 10 }],
      [{ alg: "HS256" }, good],
      [{ alg: "HS256", kid: "nope" }, good],
      [{ ...head, alg: "HS384" }, good],
    ];
    for (const [h, c] of bad) {
      expect(await codeOf(signer.verify(await minted(h, c), "callback", NOW)), JSON.stringify([h, c])).toBe(
        "token_invalid",
      );
    }
    expect(await codeOf(signer.verify(await minted(head, { ...good, exp: exp - 60 }), "callback", NOW))).toBe(
      "token_expired",
    );
  });

  it("refuses a correctly signed payload or header that is not a JSON object", async () => {
    for (const payload of ["[]", "null", '"wait-1"', "{"]) {
      expect(await codeOf(signer.verify(await minted(head, payload), "callback", NOW))).toBe("token_invalid");
    }
    for (const header of ["[]", '"HS256"']) {
      expect(await codeOf(signer.verify(await minted(header, good), "callback", NOW))).toBe("token_invalid");
    }
  });
});
