import { describe, expect, it } from "vitest";
import { envRef } from "../config/interpolate.js";
import { stringBindings, workerConfig } from "./config.js";

/** A stand-in for a D1 binding: only its shape matters here. */
const fakeD1 = { prepare: () => ({}), batch: async () => [] };

const config = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    publicUrl: "https://taskgate.example.com",
    cdf: {
      baseUrl: "https://westeurope-1.cognitedata.com",
      project: "p",
      auth: { type: "token", token: envRef("CDF_TOKEN") },
    },
    storage: { kind: "d1" },
    signingKeys: [{ kid: "k", secret: envRef("SIGNING") }],
    api: { keys: [{ name: "fn", sha256: "a".repeat(64) }] },
    ...over,
  });

const secrets = { CDF_TOKEN: "cdf-token-value", SIGNING: "s".repeat(40) };

describe("workerConfig", () => {
  it("resolves references from vars and secrets and finds the D1 binding (default DB)", () => {
    const r = workerConfig({ TASKGATE_CONFIG: config(), DB: fakeD1, ...secrets });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.d1).toBe(fakeD1);
    expect(r.config.cdf.auth).toEqual({ type: "token", token: "cdf-token-value" });
    expect(r.config.storage).toEqual({ kind: "d1", binding: "DB" });
  });

  it("uses the binding the config names", () => {
    const r = workerConfig({
      TASKGATE_CONFIG: config({ storage: { kind: "d1", binding: "TASKGATE_DB" } }),
      TASKGATE_DB: fakeD1,
      ...secrets,
    });
    expect(r.ok && r.d1).toBe(fakeD1);
  });

  it("never resolves a reference to a non-string binding", () => {
    const r = workerConfig({
      TASKGATE_CONFIG: config(),
      DB: fakeD1,
      CDF_TOKEN: fakeD1,
      SIGNING: secrets.SIGNING,
    });
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          path: "cdf.auth.token",
          message: `${envRef("CDF_TOKEN")} is not set`,
          fix: "export CDF_TOKEN=... before starting taskgate (on Workers: a variable or secret named CDF_TOKEN)",
        },
      ],
    });
  });

  it("refuses a binding that is not a D1 database", () => {
    const r = workerConfig({ TASKGATE_CONFIG: config(), DB: "a string", ...secrets });
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(["storage.binding"]);
  });

  it("refuses memory storage: state per isolate would lose accepted callbacks", () => {
    const r = workerConfig({
      TASKGATE_CONFIG: config({ storage: { kind: "memory" } }),
      DB: fakeD1,
      ...secrets,
    });
    expect(r.ok ? undefined : r.problems[0]).toMatchObject({
      path: "storage.kind",
      message: '"memory" does not run on Cloudflare Workers',
    });
  });

  it("names a TASKGATE_CONFIG that is not text", () => {
    expect(workerConfig({ TASKGATE_CONFIG: 42 })).toMatchObject({
      ok: false,
      problems: [{ path: "TASKGATE_CONFIG", message: "not a JSON text" }],
    });
  });

  it("keeps only string bindings for environment references", () => {
    expect(stringBindings({ A: "x", B: fakeD1, C: 1, D: "" })).toEqual({ A: "x", D: "" });
  });
});
