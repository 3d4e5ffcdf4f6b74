import { describe, expect, it } from "vitest";
import { configOf, edit, minimal, problemsOf } from "../../test/support/config-documents.js";

/** Every URL taskgate calls is https, except loopback; SMTP needs TLS, except on loopback. */
describe("config: outbound URLs and mail TLS", () => {
  const jwks = { issuer: "https://idp.example", audience: "api://taskgate" };
  it.each([
    ["cdf.baseUrl", edit(minimal(), ["cdf", "baseUrl"], "http://westeurope-1.cognitedata.com")],
    [
      "cdf.auth.tokenUrl",
      edit(minimal(), ["cdf", "auth"], {
        type: "client_credentials",
        tokenUrl: "http://login.example.com/token",
        clientId: "id",
        clientSecret: "secret",
        scopes: ["s"],
      }),
    ],
    ["api.oidc.jwksUrl", edit(minimal(), ["api", "oidc"], { ...jwks, jwksUrl: "http://idp.example/keys" })],
    [
      "approvals.mail.baseUrl",
      edit(minimal(), ["approvals"], {
        mail: { kind: "resend", apiKey: "k", from: "a@example.com", baseUrl: "http://mail.example.com" },
      }),
    ],
  ])("refuses plain http for %s, with a fix", (path, doc) => {
    const problems = problemsOf(doc);
    expect(problems.map((p) => p.path)).toEqual([path]);
    expect(problems[0]?.message).toMatch(/must be https/);
    expect(problems[0]?.fix).toMatch(/https:\/\//);
  });

  it("allows plain http on loopback (the emulator, a local IdP)", () => {
    expect(configOf(edit(minimal(), ["cdf", "baseUrl"], "http://127.0.0.1:9090")).cdf.baseUrl).toBe(
      "http://127.0.0.1:9090",
    );
    const oidc = { ...jwks, jwksUrl: "http://localhost:9090/keys" };
    expect(configOf(edit(minimal(), ["api", "oidc"], oidc)).api.oidc?.jwksUrl).toBe(oidc.jwksUrl);
  });

  it("requires TLS for SMTP by default, except on loopback", () => {
    const smtp = (host: string, extra: Record<string, unknown> = {}) =>
      configOf(
        edit(minimal(), ["approvals"], { mail: { kind: "smtp", host, from: "a@example.com", ...extra } }),
      ).approvals.mail;
    expect(smtp("smtp.example.com")).toMatchObject({ requireTls: true });
    expect(smtp("127.0.0.1")).toMatchObject({ requireTls: false });
    expect(smtp("smtp.example.com", { requireTls: false })).toMatchObject({ requireTls: false });
  });
});
