import { describe, expect, it } from "vitest";
import { type Doc, edit, env, HEX, minimal, problemsOf } from "../../test/support/config-documents.js";
import { envRef as ref } from "./interpolate.js";
import { type ConfigProblem, formatProblems, parseConfigText } from "./parse.js";

describe("parseConfig: problems", () => {
  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "a misspelled top-level key",
      { ...edit(minimal(), ["publicUrl"], undefined), pubicUrl: "https://x" },
      [
        { path: "publicUrl", message: "missing", fix: 'add "publicUrl": "https://taskgate.example.com"' },
        { path: "pubicUrl", message: "unknown key", fix: 'remove it (did you mean "publicUrl"?)' },
      ],
    ],
    [
      "misspelled nested keys",
      {
        ...minimal(),
        server: { prot: 1 },
        cdf: { ...(minimal().cdf as Doc), timout: "1s" },
        storage: { kind: "sqlite", path: "x", synchronus: "full" },
      },
      [
        { path: "server.prot", message: "unknown key", fix: 'remove it (did you mean "port"?)' },
        { path: "cdf.timout", message: "unknown key", fix: 'remove it (did you mean "timeout"?)' },
        {
          path: "storage.synchronus",
          message: "unknown key",
          fix: 'remove it (did you mean "synchronous"?)',
        },
      ],
    ],
    [
      "unknown keys in list entries and union members",
      {
        ...edit(minimal(), ["signingKeys", 0, "secrt"], "x"),
        cdf: {
          ...(minimal().cdf as Doc),
          auth: {
            type: "client_credentials",
            tokenUrl: "https://idp/token",
            clientId: "c",
            clientSecret: "s",
            scopes: ["x"],
            clientSecrets: "s",
          },
        },
      },
      [
        {
          path: "cdf.auth.clientSecrets",
          message: "unknown key",
          fix: 'remove it (did you mean "clientSecret"?)',
        },
        { path: "signingKeys[0].secrt", message: "unknown key", fix: 'remove it (did you mean "secret"?)' },
      ],
    ],
    [
      "an unknown key with nothing close",
      { ...minimal(), storage: { kind: "memory", path: "x" }, log: { format: "json" } },
      [
        { path: "storage.path", message: "unknown key", fix: "remove it (known keys here: kind)" },
        { path: "log.format", message: "unknown key", fix: "remove it (known keys here: level)" },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });

  it.each([
    [[], "expected an object, got a list"],
    [null, "expected an object, got null"],
    ["taskgate", "expected an object, got a string"],
  ])("reports a document that is not an object (%j) at (root)", (doc, message) => {
    expect(problemsOf(doc)).toEqual([{ path: "(root)", message, fix: "write an object: { ... }" }]);
  });

  it("reports every problem at once, each with a fix", () => {
    const problems = problemsOf({
      server: { port: "x", extra: 1 },
      cdf: { auth: { type: "token" } },
      signingKeys: [{ kid: "", secret: "short" }],
      api: {},
      log: { level: 1 },
    });
    expect(problems.map((p) => p.path)).toEqual([
      "server.port",
      "server.extra",
      "publicUrl",
      "cdf.baseUrl",
      "cdf.project",
      "cdf.auth.token",
      "signingKeys[0].kid",
      "signingKeys[0].secret",
      "api",
      "log.level",
    ]);
    for (const p of problems) expect(p.fix.length).toBeGreaterThan(5);
  });

  it("reports a missing variable once, without a follow-on schema problem", () => {
    const doc = edit(minimal(), ["cdf", "auth"], {
      type: "client_credentials",
      tokenUrl: `https://login.microsoftonline.com/${ref("TENANT")}/oauth2/v2.0/token`,
      clientId: "c",
      clientSecret: ref("CDF_CLIENT_SECRET"),
      scopes: [ref("SCOPE")],
    });
    expect(problemsOf(doc, { SIGNING: env.SIGNING })).toEqual([
      {
        path: "cdf.auth.tokenUrl",
        message: `${ref("TENANT")} is not set`,
        fix: "export TENANT=... before starting taskgate (on Workers: a variable or secret named TENANT)",
      },
      {
        path: "cdf.auth.clientSecret",
        message: `${ref("CDF_CLIENT_SECRET")} is not set`,
        fix: "export CDF_CLIENT_SECRET=... before starting taskgate (on Workers: a variable or secret named CDF_CLIENT_SECRET)",
      },
      {
        path: "cdf.auth.scopes[0]",
        message: `${ref("SCOPE")} is not set`,
        fix: "export SCOPE=... before starting taskgate (on Workers: a variable or secret named SCOPE)",
      },
    ]);
  });

  it("reports a missing variable and unrelated schema problems together", () => {
    const doc = edit(edit(minimal(), ["signingKeys", 0, "secret"], ref("NOPE")), ["server", "port"], 0);
    expect(problemsOf(doc).map((p) => `${p.path}: ${p.message}`)).toEqual([
      `signingKeys[0].secret: ${ref("NOPE")} is not set`,
      "server.port: too small (0, must be at least 1)",
    ]);
  });
});

describe("parseConfig: secrets never appear in problems", () => {
  const secrets = {
    SHORT_SIGNING: "Zq8-short-signing",
    CDF_TOKEN: "eyJ-cdf-token-value",
    CLIENT_SECRET: "Zq8-client-secret-value",
    DB_URL: "mysql://admin:Zq8-db-password@db/taskgate",
    HOOK_URL: "https://user:Zq8-url-password@taskgate.example.com",
    API_KEY: "Zq8-raw-api-key-instead-of-a-hash",
  };
  const inline = {
    number: 987_654_321,
    kid: "Zq8-kid-inline",
  };

  it("describes values by kind and length only", () => {
    const doc = {
      publicUrl: ref("HOOK_URL"),
      cdf: {
        baseUrl: `https://api.cognitedata.com/?token=${ref("CDF_TOKEN")}`,
        project: "p",
        auth: {
          type: "client_credentials",
          tokenUrl: `ftp://${ref("CLIENT_SECRET")}@idp/token`,
          clientId: 1,
          clientSecret: inline.number,
          scopes: [ref("CLIENT_SECRET"), 2],
        },
      },
      storage: { kind: "postgres", url: ref("DB_URL"), poolSize: "Zq8-pool" },
      signingKeys: [
        { kid: inline.kid, secret: ref("SHORT_SIGNING") },
        { kid: inline.kid, secret: inline.number },
      ],
      api: { keys: [{ name: ref("API_KEY"), sha256: ref("API_KEY") }] },
      log: { level: ref("CLIENT_SECRET") },
      waits: { defaultTtl: ref("CDF_TOKEN") },
      Zq8secretKey: true,
    };
    const problems = problemsOf(doc, secrets);
    const output = formatProblems(problems);
    expect(problems.length).toBeGreaterThanOrEqual(12);
    for (const value of Object.values(secrets)) expect(output).not.toContain(value);
    expect(output).not.toContain("Zq8-");
    expect(output).not.toContain(String(inline.number));
    expect(output).toContain("signingKeys[0].secret: too short (17 characters, at least 32)");
  });

  it("keeps secrets out of text-level problems too", () => {
    const result = parseConfigText('{"signingKeys": [{"kid": "k", "secret": "Zq8-inline-secret" oops}]}', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        {
          path: "(config)",
          message: "invalid JSON at line 1, column 61: unexpected character (is a ',' or a quote missing?)",
          fix: "correct the syntax at line 1, column 61 (comments and trailing commas are allowed)",
        },
      ]);
      expect(formatProblems(result.problems)).not.toContain("Zq8");
    }
  });
});

describe("parseConfigText", () => {
  it("parses JSONC and validates it", () => {
    const text = `{
      // comments are fine
      "publicUrl": "https://taskgate.example.com/",
      "cdf": { "baseUrl": "https://api.cognitedata.com", "project": "p", "auth": { "type": "token", "token": "t" }, },
      "signingKeys": [{ "kid": "k", "secret": "${ref("SIGNING")}" }],
      "api": { "keys": [{ "name": "n", "sha256": "${HEX}" }] },
    }`;
    const result = parseConfigText(text, env, "(file)");
    expect(result.ok && result.config.publicUrl).toBe("https://taskgate.example.com");
  });
});
