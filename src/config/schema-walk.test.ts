import { describe, expect, it } from "vitest";
import * as z from "zod";
import { configHints } from "./hints.js";
import { TaskgateConfigSchema } from "./schema.js";
import { knownKeysAt, schemasAt, valueAt } from "./schema-walk.js";

describe("knownKeysAt", () => {
  it.each([
    [
      [],
      {},
      [
        "$schema",
        "server",
        "publicUrl",
        "cdf",
        "storage",
        "signingKeys",
        "api",
        "waits",
        "forwarder",
        "log",
        "metrics",
        "limits",
        "sources",
        "approvals",
        "rejections",
        "retention",
      ],
    ],
    [["server"], {}, ["host", "port", "bodyLimitBytes", "trustProxy", "maxConnections", "accessLog"]],
    [["signingKeys", 3], {}, ["kid", "secret"]],
    [["cdf", "auth"], { cdf: { auth: { type: "token" } } }, ["type", "token"]],
    [
      ["cdf", "auth"],
      { cdf: { auth: { type: "client_credentials" } } },
      ["type", "tokenUrl", "clientId", "clientSecret", "scopes"],
    ],
    [["storage"], { storage: { kind: "postgres" } }, ["kind", "url", "poolSize"]],
    [["storage"], { storage: { kind: "unknown" } }, []],
    [
      ["api", "oidc"],
      {},
      ["issuer", "audience", "jwksUrl", "require", "algorithms", "scopesClaim", "clockTolerance"],
    ],
    [["log", "level"], {}, []],
    [["nope", "deeper"], {}, []],
  ] as const)("at %j", (path, input, expected) => {
    expect(knownKeysAt(TaskgateConfigSchema, path, input)).toEqual(expected);
  });
});

describe("schemasAt", () => {
  it("finds hints through optional, record and union wrappers", () => {
    const found = (path: PropertyKey[]) =>
      schemasAt(TaskgateConfigSchema, path, {}).some((s) => configHints.get(s) !== undefined);
    expect(found(["api", "oidc", "require", "roles"])).toBe(true);
    expect(found(["api", "oidc", "audience"])).toBe(true);
    expect(found(["cdf", "project"])).toBe(true);
  });

  it("descends into the list form of a union", () => {
    const layers = schemasAt(TaskgateConfigSchema, ["api", "oidc", "audience", 0], {});
    expect(layers.some((s) => s instanceof z.ZodString)).toBe(true);
  });
});

describe("valueAt", () => {
  it("reads own properties and list entries only", () => {
    const doc = JSON.parse('{"a": [{"b": 1}], "__proto__": {"c": 2}}');
    expect(valueAt(doc, ["a", 0, "b"])).toBe(1);
    expect(valueAt(doc, ["a", "0"])).toBeUndefined();
    expect(valueAt(doc, ["toString"])).toBeUndefined();
    expect(valueAt(doc, ["__proto__", "c"])).toBe(2);
  });
});
