import { describe, expect, it } from "vitest";
import {
  configOf,
  type Doc,
  edit,
  env,
  HEX,
  minimal,
  problemsOf,
} from "../../test/support/config-documents.js";
import { envRef as ref } from "./interpolate.js";
import type { ConfigProblem } from "./parse.js";

const DAY = 86_400_000;

describe("config: the document", () => {
  it("applies every default and resolves environment references", () => {
    expect(configOf(minimal())).toEqual({
      server: { host: "0.0.0.0", port: 8080, bodyLimitBytes: 262_144, trustProxy: false, accessLog: true },
      publicUrl: "https://taskgate.example.com",
      cdf: {
        baseUrl: "https://westeurope-1.cognitedata.com",
        project: "my-project",
        auth: { type: "token", token: "tok" },
        appName: "taskgate",
        timeout: 30_000,
      },
      storage: { kind: "sqlite", path: "./data/taskgate.db", synchronous: "normal", cacheMb: 4 },
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
        concurrency: 48,
        lease: 60_000,
        pollInterval: 1_000,
        minRetryWindow: 3_600_000,
        callRetries: 2,
        heartbeat: 1_000,
        takeoverAfter: 5_000,
      },
      log: { level: "info" },
      metrics: {},
      limits: { perIp: 1_000, perSource: 5_000, burst: 2_000, maxInFlight: 1_000, maxBacklog: 100_000 },
      rejections: { enabled: true, maxRows: 100_000 },
      retention: {
        delivered: 30 * DAY,
        dead: 90 * DAY,
        ignored: 7 * DAY,
        expired: 7 * DAY,
        waits: 30 * DAY,
        approvals: 30 * DAY,
        rejections: 7 * DAY,
        audit: 365 * DAY,
        interval: 600_000,
        batch: 500,
      },
    });
  });

  it("reads retention periods, keeping the defaults of the rules not named, and refuses a zero one", () => {
    const config = configOf({ ...minimal(), retention: { ignored: "1d", batch: 100 } });
    expect(config.retention).toMatchObject({ ignored: DAY, delivered: 30 * DAY, batch: 100 });
    expect(problemsOf({ ...minimal(), retention: { dead: "0s" } }).map((p) => p.path)).toEqual([
      "retention.dead",
    ]);
    expect(problemsOf({ ...minimal(), retention: { forever: true } }).map((p) => p.path)).toEqual([
      "retention.forever",
    ]);
  });

  it("lets the audit log be kept for ever (off or 0), and refuses a negative period", () => {
    expect(configOf({ ...minimal(), retention: { audit: "off" } }).retention.audit).toBe(0);
    expect(configOf({ ...minimal(), retention: { audit: 0 } }).retention.audit).toBe(0);
    expect(configOf({ ...minimal(), retention: { audit: "30d" } }).retention.audit).toBe(30 * DAY);
    expect(problemsOf({ ...minimal(), retention: { audit: -1 } }).map((p) => p.path)).toEqual([
      "retention.audit",
    ]);
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
      accessLog: true,
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

  it("ignores $schema", () => {
    expect(configOf({ $schema: "./taskgate.schema.json", ...minimal() })).not.toHaveProperty("$schema");
  });

  it.each<[string, Doc, ConfigProblem[]]>([
    [
      "missing publicUrl",
      edit(minimal(), ["publicUrl"], undefined),
      [{ path: "publicUrl", message: "missing", fix: 'add "publicUrl": "https://taskgate.example.com"' }],
    ],
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
  ])("%s", (_name, doc, expected) => {
    expect(problemsOf(doc)).toEqual(expected);
  });
});
