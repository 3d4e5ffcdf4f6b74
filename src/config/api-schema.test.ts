import { describe, expect, it } from "vitest";
import { configOf, type Doc, edit, minimal, problemsOf } from "../../test/support/config-documents.js";
import type { ConfigProblem } from "./parse.js";

describe("config: api", () => {
  const API_FIX =
    'add "keys": [{"name": "cdf-functions", "sha256": "<hex SHA-256 of the key>"}]: make a key with ' +
    '"openssl rand -base64 32" and hash it with: printf %s "$KEY" | sha256sum (or configure "oidc")';
  const ALGORITHMS =
    '"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"';

  it("accepts OIDC alone, with its defaults", () => {
    const oidc = {
      issuer: "https://idp.example.com",
      audience: ["api://taskgate", "other"],
      jwksUrl: "https://idp.example.com/keys?x=1",
      require: { roles: ["taskgate"], tid: "t", ver: 2, internal: true },
    };
    expect(configOf({ ...minimal(), api: { oidc } }).api).toEqual({
      oidc: { ...oidc, algorithms: ["RS256", "ES256"], clockTolerance: 30_000 },
    });
    expect(configOf({ ...minimal(), api: { keys: [], oidc } }).api.keys).toEqual([]);
  });

  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "missing api",
      edit(minimal(), ["api"], undefined),
      [
        {
          path: "api",
          message: "missing",
          fix: 'add "api": {"keys": [{"name": "cdf-functions", "sha256": "<hex SHA-256 of the key>"}]}',
        },
      ],
    ],
    [
      "audience of the wrong type",
      { ...minimal(), api: { oidc: { issuer: "i", audience: 5, jwksUrl: "https://idp/keys" } } },
      [
        {
          path: "api.oidc.audience",
          message: "expected a string or a list, got a whole number",
          fix: 'use a string or a list of strings, e.g. "api://taskgate"',
        },
      ],
    ],
    [
      "an empty audience list",
      { ...minimal(), api: { oidc: { issuer: "i", audience: [], jwksUrl: "https://idp/keys" } } },
      [
        {
          path: "api.oidc.audience",
          message: "empty list (at least 1)",
          fix: 'use a string or a list of strings, e.g. "api://taskgate"',
        },
      ],
    ],
    [
      "an audience list with a number",
      { ...minimal(), api: { oidc: { issuer: "i", audience: ["a", 1], jwksUrl: "https://idp/keys" } } },
      [
        {
          path: "api.oidc.audience[1]",
          message: "expected a string, got a whole number",
          fix: "write it as a string in double quotes",
        },
      ],
    ],
    [
      "a required claim of the wrong type",
      {
        ...minimal(),
        api: { oidc: { issuer: "i", audience: "a", jwksUrl: "https://idp/keys", require: { roles: null } } },
      },
      [
        {
          path: "api.oidc.require.roles",
          message: "expected a string, a number, a boolean (true or false) or a list, got null",
          fix: 'map claim names to a string, number, boolean or list of strings, e.g. {"roles": ["taskgate"]}',
        },
      ],
    ],
    [
      "a symmetric OIDC algorithm",
      {
        ...minimal(),
        api: { oidc: { issuer: "i", audience: "a", jwksUrl: "https://idp/keys", algorithms: ["HS256"] } },
      },
      [
        {
          path: "api.oidc.algorithms[0]",
          message: `not one of the allowed values (${ALGORITHMS})`,
          fix: `use one of ${ALGORITHMS}`,
        },
      ],
    ],
    [
      "a JWKS URL that is not a URL",
      { ...minimal(), api: { oidc: { issuer: "i", audience: "a", jwksUrl: "keys" } } },
      [
        {
          path: "api.oidc.jwksUrl",
          message: "must be an absolute http(s) URL",
          fix: "use a URL like https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys",
        },
      ],
    ],
    [
      "an upper-case API key hash",
      edit(minimal(), ["api", "keys", 0, "sha256"], "A".repeat(64)),
      [
        {
          path: "api.keys[0].sha256",
          message: "must be 64 lower-case hex characters (a SHA-256 digest)",
          fix: 'store the hash, not the key: printf %s "$KEY" | sha256sum',
        },
      ],
    ],
    [
      "duplicate API key names",
      edit(minimal(), ["api", "keys", 1], { name: "fn", sha256: "b".repeat(64) }),
      [
        {
          path: "api.keys[1].name",
          message: "duplicate name (entry [0] has the same)",
          fix: "give every API key its own name",
        },
      ],
    ],
    [
      "no API authentication",
      { ...minimal(), api: {} },
      [
        {
          path: "api",
          message: "no way to authenticate API callers: neither api.keys nor api.oidc is configured",
          fix: API_FIX,
        },
      ],
    ],
    [
      "an empty API key list and no OIDC",
      { ...minimal(), api: { keys: [] } },
      [
        {
          path: "api",
          message: "no way to authenticate API callers: neither api.keys nor api.oidc is configured",
          fix: API_FIX,
        },
      ],
    ],
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
