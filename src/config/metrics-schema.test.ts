import { describe, expect, it } from "vitest";
import { configOf, minimal, problemsOf } from "../../test/support/config-documents.js";

describe("config: metrics and the access log", () => {
  it("leaves /metrics open and the access log on unless told", () => {
    const config = configOf(minimal());
    expect(config.metrics).toEqual({});
    expect(config.server.accessLog).toBe(true);
  });

  it("takes a metrics token and turns the access log off", () => {
    const token = "a-metrics-token-of-32-characters";
    const config = configOf({ ...minimal(), metrics: { token }, server: { accessLog: false } });
    expect(config.metrics.token).toBe(token);
    expect(config.server.accessLog).toBe(false);
  });

  it("refuses a short token and says how to make one", () => {
    expect(problemsOf({ ...minimal(), metrics: { token: "short" } })).toEqual([
      {
        path: "metrics.token",
        message: expect.stringContaining("too short"),
        fix: 'use a random token of at least 16 characters, e.g. from "openssl rand -hex 24"',
      },
    ]);
    expect(problemsOf({ ...minimal(), metrics: { tokne: "x".repeat(20) } })[0]?.path).toBe("metrics.tokne");
  });
});
