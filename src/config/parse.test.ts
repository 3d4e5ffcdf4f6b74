import { describe, expect, it } from "vitest";
import { envRef as ref } from "./interpolate.js";
import { type ConfigProblem, formatProblems, parseConfig, parseConfigText } from "./parse.js";

type Doc = Record<string, unknown>;
type Path = (string | number)[];

const HEX = "a".repeat(64);
const env = {
  SIGNING: "sig-secret-0123456789-0123456789-abcdef",
  SHORT: "short-secret", // 12 characters
  CDF_CLIENT_SECRET: "cdf-client-secret-do-not-leak",
  HOST: "taskgate.internal",
};

/** The smallest valid document; every test starts from a fresh copy. */
function minimal(): Doc {
  return {
    publicUrl: "https://taskgate.example.com",
    cdf: {
      baseUrl: "https://westeurope-1.cognitedata.com",
      project: "my-project",
      auth: { type: "token", token: "tok" },
    },
    signingKeys: [{ kid: "k1", secret: ref("SIGNING") }],
    api: { keys: [{ name: "fn", sha256: HEX }] },
  };
}

/** A copy of `doc` with the value at `path` replaced (or removed, for undefined). */
function edit(doc: Doc, path: Path, value: unknown): Doc {
  const copy = structuredClone(doc);
  let node: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) {
    node[segment] ??= typeof segment === "number" ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function configOf(doc: Doc, vars: Record<string, string | undefined> = env) {
  const result = parseConfig(doc, vars);
  if (!result.ok) throw new Error(`expected a valid config:\n${formatProblems(result.problems)}`);
  return result.config;
}

function problemsOf(doc: unknown, vars: Record<string, string | undefined> = env): ConfigProblem[] {
  const result = parseConfig(doc, vars);
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}

describe("parseConfig: valid documents", () => {
  it("applies every default and resolves environment references", () => {
    expect(configOf(minimal())).toEqual({
      server: { host: "0.0.0.0", port: 8080, bodyLimitBytes: 262_144, trustProxy: false },
      publicUrl: "https://taskgate.example.com",
      cdf: {
        baseUrl: "https://westeurope-1.cognitedata.com",
        project: "my-project",
        auth: { type: "token", token: "tok" },
        appName: "taskgate",
        timeout: 30_000,
      },
      storage: { kind: "sqlite", path: "./data/taskgate.db", synchronous: "normal" },
      signingKeys: [{ kid: "k1", secret: env.SIGNING }],
      api: { keys: [{ name: "fn", sha256: HEX }] },
      waits: { defaultTtl: 86_400_000, maxTtl: 604_800_000 },
      approvals: {
        defaultTtl: 86_400_000,
        maxTtl: 30 * 86_400_000,
        onExpire: "fail",
        linkGrace: 604_800_000,
      },
      forwarder: {
        concurrency: 8,
        lease: 60_000,
        pollInterval: 1_000,
        minRetryWindow: 3_600_000,
        callRetries: 2,
      },
      log: { level: "info" },
    });
  });

  it("fills defaults inside partially given sections", () => {
    const config = configOf({
      ...minimal(),
      server: { port: 9000 },
      forwarder: { concurrency: 2 },
      waits: { maxTtl: "30d" },
    });
    expect(config.server).toEqual({
      host: "0.0.0.0",
      port: 9000,
      bodyLimitBytes: 262_144,
      trustProxy: false,
    });
    expect(config.forwarder).toMatchObject({ concurrency: 2, lease: 60_000, callRetries: 2 });
    expect(config.waits).toEqual({ defaultTtl: 86_400_000, maxTtl: 30 * 86_400_000 });
  });

  it.each([
    ["https://taskgate.example.com/", "https://taskgate.example.com"],
    ["https://taskgate.example.com///", "https://taskgate.example.com"],
    ["https://Taskgate.Example.com/gate/", "https://taskgate.example.com/gate"],
    ["http://localhost:8080", "http://localhost:8080"],
    [`https://${ref("HOST")}/`, "https://taskgate.internal"],
  ])("normalizes publicUrl %j to %j", (publicUrl, expected) => {
    expect(configOf({ ...minimal(), publicUrl }).publicUrl).toBe(expected);
  });

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

  it.each([
    [
      { kind: "sqlite", path: "/var/lib/taskgate.db" },
      { kind: "sqlite", path: "/var/lib/taskgate.db", synchronous: "normal" },
    ],
    [
      { kind: "sqlite", path: "x.db", synchronous: "normal" },
      { kind: "sqlite", path: "x.db", synchronous: "normal" },
    ],
    [
      { kind: "postgres", url: "postgres://u:p@db/t" },
      { kind: "postgres", url: "postgres://u:p@db/t", poolSize: 10 },
    ],
    [
      { kind: "postgres", url: "postgresql://db/t", poolSize: 3 },
      { kind: "postgres", url: "postgresql://db/t", poolSize: 3 },
    ],
    [{ kind: "memory" }, { kind: "memory" }],
    [{ kind: "d1" }, { kind: "d1", binding: "DB" }],
    [
      { kind: "d1", binding: "TASKGATE_DB" },
      { kind: "d1", binding: "TASKGATE_DB" },
    ],
  ])("accepts storage %j", (storage, expected) => {
    expect(configOf({ ...minimal(), storage }).storage).toEqual(expected);
  });

  it.each(["debug", "info", "warn", "error"])("accepts log level %s", (level) => {
    expect(configOf({ ...minimal(), log: { level } }).log.level).toBe(level);
  });

  it("parses every duration to milliseconds", () => {
    const config = configOf({
      ...minimal(),
      cdf: { ...(minimal().cdf as Doc), timeout: "500ms" },
      waits: { defaultTtl: "15m", maxTtl: 7_200_000 },
      forwarder: { lease: "2m", pollInterval: 250, minRetryWindow: "2d" },
      api: { oidc: { issuer: "i", audience: "a", jwksUrl: "https://idp/keys", clockTolerance: "5s" } },
    });
    expect(config.cdf.timeout).toBe(500);
    expect(config.waits).toEqual({ defaultTtl: 900_000, maxTtl: 7_200_000 });
    expect(config.forwarder).toMatchObject({
      lease: 120_000,
      pollInterval: 250,
      minRetryWindow: 172_800_000,
    });
    expect(config.api.oidc?.clockTolerance).toBe(5_000);
  });

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

  it("ignores $schema", () => {
    expect(configOf({ $schema: "./taskgate.schema.json", ...minimal() })).not.toHaveProperty("$schema");
  });
});

describe("parseConfig: problems", () => {
  const SECRET_FIX = 'use a random secret of at least 32 characters, e.g. from "openssl rand -base64 48"';
  const API_FIX =
    'add "keys": [{"name": "cdf-functions", "sha256": "<hex SHA-256 of the key>"}]: make a key with ' +
    '"openssl rand -base64 32" and hash it with: printf %s "$KEY" | sha256sum (or configure "oidc")';
  const ALGORITHMS =
    '"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"';

  it.each<[string, Doc, ConfigProblem[]]>([
    // missing
    [
      "missing project",
      edit(minimal(), ["cdf", "project"], undefined),
      [{ path: "cdf.project", message: "missing", fix: 'add "project": "<your CDF project>"' }],
    ],
    [
      "missing publicUrl",
      edit(minimal(), ["publicUrl"], undefined),
      [{ path: "publicUrl", message: "missing", fix: 'add "publicUrl": "https://taskgate.example.com"' }],
    ],
    [
      "missing signing key secret",
      edit(minimal(), ["signingKeys", 0, "secret"], undefined),
      [
        {
          path: "signingKeys[0].secret",
          message: "missing",
          fix: `add "secret": "${ref("TASKGATE_SIGNING_SECRET")}"`,
        },
      ],
    ],
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
      "missing postgres url",
      { ...minimal(), storage: { kind: "postgres" } },
      [{ path: "storage.url", message: "missing", fix: `add "url": "${ref("DATABASE_URL")}"` }],
    ],
    // lengths and sizes
    [
      "too short secret",
      edit(minimal(), ["signingKeys", 0, "secret"], ref("SHORT")),
      [{ path: "signingKeys[0].secret", message: "too short (12 characters, at least 32)", fix: SECRET_FIX }],
    ],
    [
      "empty project",
      edit(minimal(), ["cdf", "project"], ""),
      [{ path: "cdf.project", message: "empty", fix: 'write it like "project": "<your CDF project>"' }],
    ],
    [
      "no signing keys",
      edit(minimal(), ["signingKeys"], []),
      [
        {
          path: "signingKeys",
          message: "empty list (at least 1)",
          fix: `add a key: {"kid": "2026-01", "secret": "${ref("TASKGATE_SIGNING_SECRET")}"}; ${SECRET_FIX}`,
        },
      ],
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
      "port 0",
      edit(minimal(), ["server", "port"], 0),
      [
        {
          path: "server.port",
          message: "too small (0, must be at least 1)",
          fix: "use a whole number from 1 to 65535",
        },
      ],
    ],
    [
      "port 70000",
      edit(minimal(), ["server", "port"], 70_000),
      [
        {
          path: "server.port",
          message: "too large (70000, must be at most 65535)",
          fix: "use a whole number from 1 to 65535",
        },
      ],
    ],
    [
      "body limit above 10 MiB",
      edit(minimal(), ["server", "bodyLimitBytes"], 11 * 1024 * 1024),
      [
        {
          path: "server.bodyLimitBytes",
          message: "too large (11534336, must be at most 10485760)",
          fix: "use a whole number from 1 to 10485760",
        },
      ],
    ],
    [
      "concurrency and retries out of range",
      { ...minimal(), forwarder: { concurrency: 257, callRetries: -1 } },
      [
        {
          path: "forwarder.concurrency",
          message: "too large (257, must be at most 256)",
          fix: "use a whole number from 1 to 256",
        },
        {
          path: "forwarder.callRetries",
          message: "too small (-1, must be at least 0)",
          fix: "use a whole number from 0 to 10",
        },
      ],
    ],
    // types
    [
      "a port in quotes",
      edit(minimal(), ["server", "port"], "8080"),
      [
        {
          path: "server.port",
          message: "expected a number, got a string",
          fix: 'write it like "port": 8080',
        },
      ],
    ],
    [
      "a fractional pool size",
      { ...minimal(), storage: { kind: "postgres", url: "postgres://db", poolSize: 1.5 } },
      [
        {
          path: "storage.poolSize",
          message: "expected a whole number, got a fractional number",
          fix: 'write it like "poolSize": 10',
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
      "signing keys as an object",
      edit(minimal(), ["signingKeys"], { kid: "k", secret: "s" }),
      [
        {
          path: "signingKeys",
          message: "expected a list, got an object",
          fix: `write it like "signingKeys": [{"kid": "2026-01", "secret": "${ref("TASKGATE_SIGNING_SECRET")}"}]`,
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
    // enums and unions
    [
      "an unknown log level",
      { ...minimal(), log: { level: "trace" } },
      [
        {
          path: "log.level",
          message: 'not one of the allowed values ("debug", "info", "warn", "error")',
          fix: 'use one of "debug", "info", "warn", "error"',
        },
      ],
    ],
    [
      "an unknown sqlite synchronous mode",
      { ...minimal(), storage: { kind: "sqlite", path: "x", synchronous: "off" } },
      [
        {
          path: "storage.synchronous",
          message: 'not one of the allowed values ("normal", "full")',
          fix: 'use one of "normal", "full"',
        },
      ],
    ],
    [
      "an unknown storage kind",
      { ...minimal(), storage: { kind: "mysql" } },
      [
        {
          path: "storage.kind",
          message: 'not one of the allowed values ("sqlite", "postgres", "memory", "d1")',
          fix: 'use one of "sqlite", "postgres", "memory", "d1"',
        },
      ],
    ],
    [
      "a D1 binding that is not a binding name",
      { ...minimal(), storage: { kind: "d1", binding: "my-db" } },
      [
        {
          path: "storage.binding",
          message: "must be a binding name (letters, digits, underscores)",
          fix: 'use the binding name of the [[d1_databases]] entry in wrangler.toml, e.g. "DB"',
        },
      ],
    ],
    [
      "a D1 store with a path",
      { ...minimal(), storage: { kind: "d1", path: "x.db" } },
      [{ path: "storage.path", message: "unknown key", fix: "remove it (known keys here: kind, binding)" }],
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
    // formats
    [
      "a publicUrl without a scheme",
      { ...minimal(), publicUrl: "taskgate.example.com" },
      [
        {
          path: "publicUrl",
          message: "must be an absolute http(s) URL",
          fix: "use a URL like https://taskgate.example.com",
        },
      ],
    ],
    [
      "a publicUrl with another scheme",
      { ...minimal(), publicUrl: "ftp://taskgate.example.com" },
      [
        {
          path: "publicUrl",
          message: "must be an http(s) URL",
          fix: "use a URL like https://taskgate.example.com",
        },
      ],
    ],
    [
      "a publicUrl with a query",
      { ...minimal(), publicUrl: "https://taskgate.example.com/?a=1" },
      [
        {
          path: "publicUrl",
          message: "must not have a query or fragment",
          fix: "use a URL like https://taskgate.example.com",
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
      "a MySQL URL for postgres",
      { ...minimal(), storage: { kind: "postgres", url: "mysql://db/t" } },
      [
        {
          path: "storage.url",
          message: "must be a postgres:// or postgresql:// connection URL",
          fix: `use a URL like postgresql://user:password@host:5432/taskgate, ideally from ${ref("DATABASE_URL")}`,
        },
      ],
    ],
    // durations
    [
      "a lease that is not a duration",
      { ...minimal(), forwarder: { lease: "soon" } },
      [
        {
          path: "forwarder.lease",
          message:
            'not a duration: expected a whole number of milliseconds or a whole number with a unit (ms, s, m, h, d), e.g. "30s", "15m", "24h" or "7d"',
          fix: 'write the delivery lease as a duration such as "60s"',
        },
      ],
    ],
    [
      "a zero poll interval",
      { ...minimal(), forwarder: { pollInterval: "0s" } },
      [
        {
          path: "forwarder.pollInterval",
          message: "must be longer than 0",
          fix: 'use a positive duration, e.g. "1s"',
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
    [
      "a default TTL above the maximum",
      { ...minimal(), waits: { defaultTtl: "8d" } },
      [
        {
          path: "waits.defaultTtl",
          message: "longer than waits.maxTtl",
          fix: "shorten waits.defaultTtl or lengthen waits.maxTtl",
        },
      ],
    ],
    // cross-entry rules
    [
      "duplicate kids",
      edit(minimal(), ["signingKeys", 1], { kid: "k1", secret: ref("SIGNING") }),
      [
        {
          path: "signingKeys[1].kid",
          message: "duplicate kid (entry [0] has the same)",
          fix: "give every signing key its own kid",
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
    // approvals
    [
      "an approval default lifetime longer than the maximum",
      { ...minimal(), approvals: { defaultTtl: "40d" } },
      [
        {
          path: "approvals.defaultTtl",
          message: "longer than approvals.maxTtl",
          fix: "shorten approvals.defaultTtl or lengthen approvals.maxTtl",
        },
      ],
    ],
    [
      "SMTP mail without a sender",
      { ...minimal(), approvals: { mail: { kind: "smtp", host: "smtp.example.com" } } },
      [
        {
          path: "approvals.mail.from",
          message: "missing",
          fix: 'add "from": "Taskgate <taskgate@example.com>"',
        },
      ],
    ],
    // unknown keys
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
        message: "environment variable TENANT is not set",
        fix: "set env TENANT",
      },
      {
        path: "cdf.auth.clientSecret",
        message: "environment variable CDF_CLIENT_SECRET is not set",
        fix: "set env CDF_CLIENT_SECRET",
      },
      { path: "cdf.auth.scopes[0]", message: "environment variable SCOPE is not set", fix: "set env SCOPE" },
    ]);
  });

  it("reports a missing variable and unrelated schema problems together", () => {
    const doc = edit(edit(minimal(), ["signingKeys", 0, "secret"], ref("NOPE")), ["server", "port"], 0);
    expect(problemsOf(doc).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "signingKeys[0].secret: environment variable NOPE is not set",
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

describe("parseConfig: sources", () => {
  const source = {
    verify: { scheme: "standard-webhooks", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] },
    correlationKey: "data.id",
    status: "type = 'done' ? 'COMPLETED' : null",
  };

  it("accepts a source, defaulting parkUnmatchedFor to 24 h", () => {
    const r = parseConfig({ ...minimal(), sources: { lims: source } }, env);
    expect(r.ok && r.config.sources?.lims).toMatchObject({
      correlationKey: "data.id",
      parkUnmatchedFor: 86_400_000,
    });
  });

  it("names a JSONata expression that does not compile by its source and field", () => {
    const r = parseConfig({ ...minimal(), sources: { lims: { ...source, status: "type = " } } }, env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContainEqual(
        expect.objectContaining({
          path: "sources.lims.status",
          message: expect.stringMatching(/^JSONata does not compile/),
        }),
      );
    }
  });

  it("refuses an unsigned source unless allowUnsigned is set, and a bad source name", () => {
    const r = parseConfig(
      { ...minimal(), sources: { "bad name": source, open: { ...source, verify: { scheme: "none" } } } },
      env,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.problems.map((p) => p.path);
      expect(paths.some((p) => p.startsWith("sources.open.verify"))).toBe(true);
      expect(paths.some((p) => p.startsWith("sources"))).toBe(true);
    }
  });
});
