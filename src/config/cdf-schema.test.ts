import { describe, expect, it } from "vitest";
import { configOf, type Doc, edit, env, minimal, problemsOf } from "../../test/support/config-documents.js";
import { envRef as ref } from "./interpolate.js";
import type { ConfigProblem } from "./parse.js";

describe("config: cdf", () => {
  it("removes the trailing slash of cdf.baseUrl", () => {
    const config = configOf(edit(minimal(), ["cdf", "baseUrl"], "https://api.cognitedata.com/"));
    expect(config.cdf.baseUrl).toBe("https://api.cognitedata.com");
  });

  it("accepts both CDF auth kinds", () => {
    const auth = {
      type: "client_credentials",
      tokenUrl: "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
      clientId: "client",
      clientSecret: ref("CDF_CLIENT_SECRET"),
      scopes: ["https://westeurope-1.cognitedata.com/.default"],
    };
    expect(configOf(edit(minimal(), ["cdf", "auth"], auth)).cdf.auth).toEqual({
      ...auth,
      clientSecret: env.CDF_CLIENT_SECRET,
    });
    expect(configOf(minimal()).cdf.auth).toEqual({ type: "token", token: "tok" });
  });

  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "missing project",
      edit(minimal(), ["cdf", "project"], undefined),
      [{ path: "cdf.project", message: "missing", fix: 'add "project": "<your CDF project>"' }],
    ],
    [
      "missing CDF auth type",
      edit(minimal(), ["cdf", "auth"], { token: "x" }),
      [
        {
          path: "cdf.auth.type",
          message: "missing",
          fix: 'add "type" with one of "client_credentials", "token"',
        },
      ],
    ],
    [
      "missing client credentials fields",
      edit(minimal(), ["cdf", "auth"], { type: "client_credentials", clientId: "c" }),
      [
        {
          path: "cdf.auth.tokenUrl",
          message: "missing",
          fix: 'add "tokenUrl": "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"',
        },
        {
          path: "cdf.auth.clientSecret",
          message: "missing",
          fix: `add "clientSecret": "${ref("CDF_CLIENT_SECRET")}"`,
        },
        {
          path: "cdf.auth.scopes",
          message: "missing",
          fix: 'add "scopes": ["https://<cluster>.cognitedata.com/.default"]',
        },
      ],
    ],
    [
      "empty project",
      edit(minimal(), ["cdf", "project"], ""),
      [{ path: "cdf.project", message: "empty", fix: 'write it like "project": "<your CDF project>"' }],
    ],
    [
      "no scopes",
      edit(minimal(), ["cdf", "auth"], {
        type: "client_credentials",
        tokenUrl: "https://idp/token",
        clientId: "c",
        clientSecret: "s",
        scopes: [],
      }),
      [
        {
          path: "cdf.auth.scopes",
          message: "empty list (at least 1)",
          fix: 'list at least one scope, e.g. ["https://<cluster>.cognitedata.com/.default"]',
        },
      ],
    ],
    [
      "a project that is a number",
      edit(minimal(), ["cdf", "project"], 42),
      [
        {
          path: "cdf.project",
          message: "expected a string, got a whole number",
          fix: 'write it like "project": "<your CDF project>"',
        },
      ],
    ],
    [
      "a CDF base URL with credentials",
      edit(minimal(), ["cdf", "baseUrl"], "https://user:pass@api.cognitedata.com"),
      [
        {
          path: "cdf.baseUrl",
          message: "must not contain a user name or password",
          fix: "use a URL like https://westeurope-1.cognitedata.com",
        },
      ],
    ],
    [
      "a timeout of the wrong type",
      edit(minimal(), ["cdf", "timeout"], true),
      [
        {
          path: "cdf.timeout",
          message:
            'must be a duration: expected a whole number of milliseconds or a whole number with a unit (ms, s, m, h, d), e.g. "30s", "15m", "24h" or "7d"',
          fix: 'write the CDF call timeout as a duration such as "30s"',
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
