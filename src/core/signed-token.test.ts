import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TaskgateError } from "./errors.js";
import { TokenSigner } from "./signed-token.js";

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

describe("TokenSigner", () => {
  const signer = new TokenSigner([KEY_A, KEY_B]);
  const claims = { purpose: "callback" as const, subject: "wait-1", expiresAt: NOW + 60_000 };

  it("round-trips the subject and purpose", async () => {
    const token = await signer.sign(claims, NOW, "jti-1");
    const payload = await signer.verify(token, "callback", NOW);
    expect(payload.sub).toBe("wait-1");
    expect(payload.jti).toBe("jti-1");
  });

  it("accepts a token signed with an older key that is still configured (rotation)", async () => {
    const old = new TokenSigner([KEY_B]);
    const token = await old.sign(claims, NOW, "j");
    expect(await codeOf(signer.verify(token, "callback", NOW))).toBe("ok");
  });

  it("refuses a token signed with a key that is no longer configured", async () => {
    const token = await new TokenSigner([{ kid: "a", secret: "z".repeat(32) }]).sign(claims, NOW, "j");
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
    expect(() => new TokenSigner([])).toThrow(TaskgateError);
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
});
