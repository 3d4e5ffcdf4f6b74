import { describe, expect, it } from "vitest";
import {
  fromBase64,
  fromBase64Lenient,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
} from "./encoding.js";

describe("encoding", () => {
  const bytes = Uint8Array.from([0, 1, 127, 128, 254, 255]);

  it("round-trips hex and base64", () => {
    expect(fromHex(toHex(bytes))).toEqual(bytes);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
  });

  it("accepts only lower-case hex of even length for signatures", () => {
    expect(fromHex("ABCD")).toBeUndefined();
    expect(fromHex("abc")).toBeUndefined();
    expect(fromHex("zz")).toBeUndefined();
  });

  it("accepts only canonical padded base64 for signatures", () => {
    expect(fromBase64("AQ==")).toEqual(Uint8Array.from([1]));
    expect(fromBase64("AR==")).toBeUndefined(); // same byte, spare bits set
    expect(fromBase64("AQ")).toBeUndefined(); // unpadded
    expect(fromBase64("A Q==")).toBeUndefined();
    expect(fromBase64("AQ-_")).toBeUndefined();
  });

  it("accepts unpadded base64 for secrets", () => {
    expect(fromBase64Lenient("AQ")).toEqual(Uint8Array.from([1]));
    expect(fromBase64Lenient("A")).toBeUndefined();
  });

  it("accepts only canonical base64url", () => {
    expect(fromBase64Url("AQ")).toEqual(Uint8Array.from([1]));
    expect(fromBase64Url("AR")).toBeUndefined();
    expect(fromBase64Url("AQ==")).toBeUndefined();
  });
});
