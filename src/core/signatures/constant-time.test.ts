import { describe, expect, it } from "vitest";
import { nodeHmac } from "../../adapters/runtime/node-hmac.js";
import {
  constantTimeEqual,
  type HmacFunction,
  hmac,
  importHmacKey,
  MAC_LENGTH,
  verifyAnyHmac,
} from "./constant-time.js";
import { utf8 } from "./encoding.js";
import { flipByte } from "./test-support.js";

const data = utf8('msg_1.1700000000.{"a":1}');
const engines: [string, HmacFunction | undefined][] = [
  ["Web Crypto", undefined],
  ["node:crypto", nodeHmac],
];

describe.each(engines)("verifyAnyHmac with %s", (_name, sync) => {
  const keysOf = (...secrets: string[]) =>
    Promise.all(secrets.map((s) => importHmacKey(utf8(s), "SHA-256", sync)));

  it("accepts any valid candidate under any key (rotation), and nothing else", async () => {
    const [oldKey, newKey] = await keysOf("old-secret", "new-secret");
    const mac = await hmac(newKey!, data);
    const other = await hmac(oldKey!, utf8("something else"));
    expect(await verifyAnyHmac([oldKey!, newKey!], [other, mac], data, 32)).toBe(true);
    expect(await verifyAnyHmac([oldKey!], [mac], data, 32)).toBe(false);
    expect(await verifyAnyHmac([newKey!], [flipByte(mac, 31)], data, 32)).toBe(false);
    expect(await verifyAnyHmac([newKey!], [mac], flipByte(data, 0), 32)).toBe(false);
  });

  it("skips candidates of the wrong length, and refuses when none is left", async () => {
    const [key] = await keysOf("secret");
    const mac = await hmac(key!, data);
    expect(await verifyAnyHmac([key!], [mac.subarray(0, 31)], data, 32)).toBe(false);
    expect(await verifyAnyHmac([key!], [], data, 32)).toBe(false);
    expect(await verifyAnyHmac([], [mac], data, 32)).toBe(false);
  });

  it("gives the same MAC as the other engine, for every hash", async () => {
    for (const hash of ["SHA-1", "SHA-256", "SHA-512"] as const) {
      const web = await hmac(await importHmacKey(utf8("k"), hash), data);
      const own = await hmac(await importHmacKey(utf8("k"), hash, sync), data);
      expect(own).toEqual(web);
      expect(own.length).toBe(MAC_LENGTH[hash]);
    }
  });

  it("does not keep a reference to the caller's secret bytes", async () => {
    const secret = utf8("mutable");
    const key = await importHmacKey(secret, "SHA-256", sync);
    const before = await hmac(key, data);
    secret.fill(0);
    expect(await hmac(key, data)).toEqual(before);
  });
});

describe("constantTimeEqual", () => {
  it("compares bytes and lengths", () => {
    expect(constantTimeEqual(utf8("abc"), utf8("abc"))).toBe(true);
    expect(constantTimeEqual(utf8("abc"), utf8("abd"))).toBe(false);
    expect(constantTimeEqual(utf8("abc"), utf8("ab"))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
