import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { envRef } from "../../src/config/interpolate.js";
import worker from "../../src/worker.js";
import { emulator, send } from "./support.js";

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details: { problems: Problem[] } };
}
interface Problem {
  path: string;
  message: string;
  fix: string;
}

const goodConfig = () => JSON.parse(env.TASKGATE_CONFIG) as Record<string, unknown>;

/** The bindings of a worker deployed with this config (a fresh object: a fresh isolate). */
function bindings(config: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...env, TASKGATE_CONFIG: typeof config === "string" ? config : JSON.stringify(config), ...over };
}

async function refused(b: Record<string, unknown>, path = "/v1/waits", method = "POST"): Promise<ErrorBody> {
  const res = await send(method, path, {
    bindings: b,
    apiKey: env.TEST_API_KEY,
    ...(method === "GET" ? {} : { body: {} }),
  });
  expect(res.status).toBe(500);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  const body = res.body as unknown as ErrorBody;
  expect(body.error.code).toBe("config_invalid");
  expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("a worker with a bad configuration fails closed", () => {
  /** What the worker logged (one JSON object per line), kept out of the test output. */
  let lines: string[];
  beforeEach(() => {
    lines = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it("answers every route with the problems, by path and fix, never with a secret", async () => {
    const config = goodConfig();
    config.signingKeys = [{ kid: "k", secret: envRef("MISSING_SIGNING_SECRET") }];
    (config.cdf as Record<string, unknown>).project = "";
    const b = bindings(config);
    for (const [method, path] of [
      ["POST", "/v1/waits"],
      ["GET", "/healthz"],
      ["POST", "/v1/callbacks/anything"],
    ] as const) {
      const body = await refused(b, path, method);
      expect(body.error.details.problems).toEqual([
        {
          path: "signingKeys[0].secret",
          message: `${envRef("MISSING_SIGNING_SECRET")} is not set`,
          fix: "export MISSING_SIGNING_SECRET=... before starting taskgate (on Workers: a variable or secret named MISSING_SIGNING_SECRET)",
        },
        expect.objectContaining({ path: "cdf.project", message: "empty" }),
      ]);
      const text = JSON.stringify(body);
      expect(text).not.toContain(env.CDF_CLIENT_SECRET);
      expect(text).not.toContain(env.TASKGATE_SIGNING_SECRET);
    }
    // Logged once for the isolate, not once per request.
    const logged = lines.map((l) => JSON.parse(l) as { msg: string });
    expect(logged.filter((l) => l.msg.startsWith("configuration invalid"))).toHaveLength(1);
  });

  it("names a missing TASKGATE_CONFIG and a JSON syntax error", async () => {
    const { TASKGATE_CONFIG: _, ...withoutConfig } = env;
    expect((await refused(withoutConfig)).error.details.problems).toEqual([
      expect.objectContaining({ path: "TASKGATE_CONFIG", message: "not set" }),
    ]);
    const [syntax] = (await refused(bindings('{"publicUrl": '))).error.details.problems;
    expect(syntax).toMatchObject({ path: "TASKGATE_CONFIG" });
    expect(syntax!.message).toMatch(/^invalid JSON at line 1, column/);
  });

  it("refuses storage that cannot run on Workers, and a D1 binding the worker lacks", async () => {
    const { storage: _, ...noStorage } = goodConfig();
    expect((await refused(bindings(noStorage))).error.details.problems).toEqual([
      {
        path: "storage.kind",
        message:
          '"sqlite" does not run on Cloudflare Workers ("sqlite" is also the default when "storage" is absent)',
        fix: 'write "storage": {"kind": "d1", "binding": "DB"}',
      },
    ]);
    expect(
      (await refused(bindings({ ...goodConfig(), storage: { kind: "d1", binding: "NOPE" } }))).error.details
        .problems,
    ).toEqual([
      expect.objectContaining({ path: "storage.binding", message: expect.stringContaining('"NOPE"') }),
    ]);
  });

  it("refuses SMTP mail, which cannot run on Workers, naming the HTTP mail API instead", async () => {
    const config = goodConfig();
    config.approvals = { mail: { kind: "smtp", host: "smtp.example.com", from: "t@example.com" } };
    expect((await refused(bindings(config))).error.details.problems).toEqual([
      expect.objectContaining({
        path: "approvals.mail.kind",
        fix: expect.stringContaining('"kind": "resend"'),
      }),
    ]);
  });

  it("keeps the cron to logging: no claim, no CDF call", async () => {
    const before = (await emulator.requests()).length;
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }),
      bindings("not json"),
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect((await emulator.requests()).length).toBe(before);
    const logged = lines.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(logged).toContainEqual(
      expect.objectContaining({ level: "error", msg: "cron skipped: the configuration is invalid" }),
    );
  });
});
