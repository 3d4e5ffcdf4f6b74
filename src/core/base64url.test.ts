import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { decodeCanonicalBase64url } from "./base64url.js";

describe("canonical base64url", () => {
  it("decodes what an encoder writes, for every length and byte", () => {
    for (let len = 0; len <= 40; len++) {
      for (let round = 0; round < 20; round++) {
        const bytes = crypto.getRandomValues(new Uint8Array(len));
        const text = base64url.encode(bytes);
        if (len === 0) expect(decodeCanonicalBase64url(text)).toBeUndefined();
        else expect(decodeCanonicalBase64url(text)).toEqual(bytes);
      }
    }
  });

  it("refuses padding, other alphabets, a lone last character and stray low bits", () => {
    const text = base64url.encode(new Uint8Array([1, 2, 3, 4])); // "AQIDBA"
    expect(decodeCanonicalBase64url(text)).toEqual(new Uint8Array([1, 2, 3, 4]));
    for (const bad of [
      `${text}=`,
      `${text}==`,
      "AQID+A",
      "AQID/A",
      "AQID BA",
      "AQIDB",
      "AQIDBB", // the last character's unused bits are not zero
      "AQIDBAF", // three characters left: an unused bit set
      "AQIDBA\u00e9",
      "ÀQIDBA",
    ]) {
      expect(decodeCanonicalBase64url(bad), bad).toBeUndefined();
    }
  });

  it("agrees with a decode-and-re-encode check on random strings of the alphabet", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.";
    for (let round = 0; round < 3000; round++) {
      const len = 1 + Math.floor(Math.random() * 12);
      let s = "";
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
      let expected: Uint8Array | undefined;
      if (/^[A-Za-z0-9_-]+$/.test(s)) {
        try {
          const bytes = base64url.decode(s);
          expected = base64url.encode(bytes) === s ? bytes : undefined;
        } catch {
          expected = undefined;
        }
      }
      expect(decodeCanonicalBase64url(s), s).toEqual(expected);
    }
  });
});
