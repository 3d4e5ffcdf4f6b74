import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/canonical-json.js";
import { nodeSha256Hex } from "./node-sha256.js";

describe("node:crypto SHA-256", () => {
  it("gives Web Crypto's digest for text (the audit sealer hashes with it on Node)", async () => {
    for (const text of ["", "abc", "ünïcødé ✓ 𝄞", "x".repeat(10_000)]) {
      expect(await nodeSha256Hex(text)).toBe(await sha256Hex(text));
    }
    expect(await nodeSha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("gives Web Crypto's digest for bytes", async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(await nodeSha256Hex(bytes)).toBe(await sha256Hex(bytes));
  });
});
