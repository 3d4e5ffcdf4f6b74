import { type AddressInfo, connect } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import type { buildConnector } from "undici";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureLogger } from "../../../test/support/capture-logger.js";
import { sequenceRandom, TestClock } from "../../../test/support/test-clock.js";
import { CdfError } from "../../core/cdf-error.js";
import { findTaskExecution } from "../../core/find-task-execution.js";
import type { CdfClient } from "../../ports/cdf-client.js";
import { type CdfClientOptions, createCdfClient } from "./cdf-client.js";
import { undiciTransport } from "./undici-transport.js";

const SECRET = "very-secret-client-value";
const TASK_ID = "f69f7b1c-6aea-4213-b5d0-deb2fbabe5a0";
const PROJECT = "my-project";
const BASE = "https://westeurope-1.cognitedata.com";

const taskExecution = (status = "COMPLETED") => ({
  id: TASK_ID,
  externalId: "await-approval",
  status,
  taskType: "function",
  input: { function: { externalId: "fn" }, isAsyncComplete: true },
  output: {},
  startTime: 1730204346000,
  endTime: null,
});

/**
 * Every test runs over both transports: `fetch` to the fake in-process (every runtime), and
 * Node's undici transport to the same fake served on a real socket (what node.ts uses). Token
 * requests go through the same transport as the CDF calls.
 */
const TRANSPORTS = ["fetch", "undici"] as const;
type TransportKind = (typeof TRANSPORTS)[number];
/**
 * Each harness gets its own server on a port the system picks (fixed ports in the ephemeral range
 * collided with other tests' client sockets under load: EADDRINUSE), so a late request of an
 * earlier test can never reach a later test's fake.
 */
let kind: TransportKind = "fetch";
const closers: (() => Promise<void>)[] = [];

/** Serves `app` on a fresh port; the undici transport's connections all go there. */
function overSocket(app: Hono) {
  const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  const listening = new Promise<number>((resolve) => {
    const port = () => resolve((server.address() as AddressInfo).port);
    if (server.listening) port();
    else server.once("listening", port);
  });
  const toServer: buildConnector.connector = (_options, callback) => {
    void listening.then((port) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => callback(null, socket));
      socket.once("error", (err) => callback(err, null));
    });
  };
  const transport = undiciTransport({ connections: 4, connect: toServer });
  closers.push(async () => {
    await transport.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ("closeAllConnections" in server) server.closeAllConnections();
    });
  });
  return transport;
}

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

type Handler = (c: Context, n: number) => Response | Promise<Response>;

/**
 * A fake Entra ID and a fake CDF in one Hono app. `cdf` answers every CDF call (n is 1-based);
 * `idp` answers token requests, by default with tok-1, tok-2, ...
 */
function harness(
  cdf: Handler,
  opts: { idp?: Handler; client?: Partial<CdfClientOptions>; fetch?: (f: typeof fetch) => typeof fetch } = {},
) {
  const cdfRequests: Seen[] = [];
  const tokenRequests: Seen[] = [];
  const app = new Hono();
  app.post("/tenant/oauth2/v2.0/token", async (c) => {
    tokenRequests.push(await seen(c));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const n = tokenRequests.length;
    return opts.idp
      ? opts.idp(c, n)
      : c.json({ access_token: `tok-${n}`, token_type: "Bearer", expires_in: 3599 });
  });
  app.all("/api/v1/projects/*", async (c) => {
    cdfRequests.push(await seen(c));
    return cdf(c, cdfRequests.length);
  });
  const base: typeof fetch = (input, init) => Promise.resolve(app.fetch(new Request(input, init)));
  const transport = kind === "undici" ? overSocket(app) : undefined;
  const clock = new TestClock();
  const logger = captureLogger();
  const client: CdfClient = createCdfClient({
    baseUrl: BASE,
    project: PROJECT,
    auth: {
      type: "client_credentials",
      tokenUrl: "https://login.example.com/tenant/oauth2/v2.0/token",
      clientId: "client-id",
      clientSecret: SECRET,
      scopes: [`${BASE}/.default`],
    },
    fetch: opts.fetch ? opts.fetch(base) : base,
    ...(transport ? { transport } : {}),
    clock,
    random: sequenceRandom([0.5]),
    logger,
    sdkVersion: "0.1.0",
    ...opts.client,
  });
  return { client, clock, logger, cdfRequests, tokenRequests };
}

async function seen(c: Context): Promise<Seen> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key] = value;
  });
  // Over a socket the server also sees the connection's own headers, and its scheme is http.
  for (const name of ["host", "connection", "content-length"]) delete headers[name];
  return {
    method: c.req.method,
    url: c.req.url.replace(/^http:/, "https:"),
    headers,
    body: await c.req.text(),
  };
}

async function failure(promise: Promise<unknown>): Promise<CdfError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CdfError);
  return error as CdfError;
}

const ok = (c: Context) => c.json(taskExecution(), 200, { "x-request-id": "req-ok" });
const status = (code: number, headers: Record<string, string> = {}, body = "") =>
  new Response(body || JSON.stringify({ error: { code, message: `failure ${code}` } }), {
    status: code,
    headers: { "x-request-id": `req-${code}`, ...headers },
  });
/** A network failure for real: the socket closes with no answer (on a socket only). */
const dropConnection = (c: Context) => {
  const { incoming } = c.env as { incoming?: { socket: { destroy(): void } } };
  if (!incoming) throw new Error("dropConnection needs a real socket");
  incoming.socket.destroy();
  return new Promise<Response>(() => {});
};
// Answers only once the client has given up, so the client sees nothing (no stray error logged).
const hang = (c: Context) =>
  new Promise<Response>((resolve) =>
    c.req.raw.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 }))),
  );

describe.each(TRANSPORTS)("over %s", (transportKind) => {
  beforeAll(() => {
    kind = transportKind;
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  describe("createCdfClient: requests", () => {
    it("updates a task with the exact headers, URL and body", async () => {
      const { client, cdfRequests, tokenRequests } = harness(ok, { client: { appName: "my-app" } });
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED", output: { a: 1 } });
      expect(result).toEqual({ value: taskExecution(), requestId: "req-ok", attempts: 1 });
      expect(tokenRequests).toHaveLength(1);
      expect(cdfRequests).toEqual([
        {
          method: "POST",
          url: `${BASE}/api/v1/projects/my-project/workflows/tasks/${TASK_ID}/update`,
          headers: {
            authorization: "Bearer tok-1",
            "cdf-version": "20230101",
            "x-cdp-app": "my-app",
            "x-cdp-sdk": "taskgate:0.1.0",
            "content-type": "application/json",
            accept: "application/json",
          },
          body: '{"status":"COMPLETED","output":{"a":1}}',
        },
      ]);
    });

    it("sends no output key when there is none, and defaults x-cdp-app", async () => {
      const { client, cdfRequests } = harness(ok);
      await client.updateTask(TASK_ID, { status: "FAILED" });
      expect(cdfRequests[0]?.body).toBe('{"status":"FAILED"}');
      expect(cdfRequests[0]?.headers["x-cdp-app"]).toBe("taskgate");
    });

    it("encodes the project and path segments and tolerates a trailing slash", async () => {
      const { client, cdfRequests } = harness(ok, { client: { baseUrl: `${BASE}//`, project: "my proj/ø" } });
      await client.updateTask("a/b?c#d", { status: "COMPLETED" });
      expect(cdfRequests[0]?.url).toBe(
        `${BASE}/api/v1/projects/my%20proj%2F%C3%B8/workflows/tasks/a%2Fb%3Fc%23d/update`,
      );
    });

    it("retrieves an execution with GET and no content-type, parsing tolerantly", async () => {
      const detail = {
        id: "exec/1",
        workflowExternalId: "wf",
        version: "1",
        status: "RUNNING",
        somethingNew: true,
        executedTasks: [
          { ...taskExecution("FAILED"), id: "old", startTime: 1 },
          { ...taskExecution("IN_PROGRESS"), input: { asyncComplete: true } },
        ],
      };
      const { client, cdfRequests } = harness((c) => c.json(detail, 200, { "x-request-id": "req-detail" }));
      const result = await client.retrieveExecution("exec/1");
      expect(cdfRequests[0]?.method).toBe("GET");
      expect(cdfRequests[0]?.url).toBe(`${BASE}/api/v1/projects/my-project/workflows/executions/exec%2F1`);
      expect(cdfRequests[0]?.headers["content-type"]).toBeUndefined();
      expect(cdfRequests[0]?.headers.accept).toBe("application/json");
      expect(result.requestId).toBe("req-detail");
      expect(result.value.somethingNew).toBe(true);
      const task = findTaskExecution(result.value, "await-approval");
      expect(task?.id).toBe(TASK_ID);
      expect(task?.input?.isAsyncComplete).toBe(true);
    });

    it("throws a non-retryable CdfError for a 2xx body that is not what CDF documents", async () => {
      for (const body of ["<html>ok</html>", '{"unexpected":true}']) {
        const { client } = harness(
          () => new Response(body, { status: 200, headers: { "x-request-id": "r" } }),
        );
        const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
        expect(error.failure).toMatchObject({ kind: "http", status: 200, retryable: false, requestId: "r" });
      }
    });
  });

  describe("createCdfClient: tokens", () => {
    it("asks for tokens through the client's transport, so a runtime needs one HTTP client", async () => {
      // Over undici, a fetch that fails would fail the token request if it were still used.
      const refuse = () => () => Promise.reject(new TypeError("fetch is not for this client"));
      const { client, tokenRequests, cdfRequests } = harness(ok, kind === "undici" ? { fetch: refuse } : {});
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]?.body).toContain("grant_type=client_credentials");
      expect(cdfRequests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1"]);
    });

    it("reuses the cached token across calls", async () => {
      const { client, tokenRequests, cdfRequests } = harness(ok);
      for (let i = 0; i < 3; i++) await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(tokenRequests).toHaveLength(1);
      expect(cdfRequests.map((r) => r.headers.authorization)).toEqual(Array(3).fill("Bearer tok-1"));
    });

    it("refreshes at expiry minus 30 s, not a millisecond earlier", async () => {
      const { client, clock, tokenRequests, cdfRequests } = harness(ok);
      const expiry = clock.now() + 3_599_000;
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      clock.set(expiry - 30_001);
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      clock.set(expiry - 30_000);
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(tokenRequests).toHaveLength(2);
      expect(cdfRequests.map((r) => r.headers.authorization)).toEqual([
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
      ]);
    });

    it("asks the IdP once for 20 concurrent calls", async () => {
      const { client, tokenRequests, cdfRequests } = harness(ok);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => client.updateTask(TASK_ID, { status: "COMPLETED" })),
      );
      expect(results.every((r) => r.attempts === 1)).toBe(true);
      expect(tokenRequests).toHaveLength(1);
      expect(cdfRequests).toHaveLength(20);
    });

    it("sends a static token as is, with no token request", async () => {
      const { client, tokenRequests, cdfRequests } = harness(ok, {
        client: { auth: { type: "token", token: "static-1" } },
      });
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(tokenRequests).toHaveLength(0);
      expect(cdfRequests[0]?.headers.authorization).toBe("Bearer static-1");
    });

    it("on 401 fetches one new token and retries at once", async () => {
      const { client, clock, tokenRequests, cdfRequests } = harness((c) =>
        c.req.header("authorization") === "Bearer tok-1" ? status(401) : ok(c),
      );
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result.attempts).toBe(2);
      expect(tokenRequests).toHaveLength(2);
      expect(cdfRequests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
      expect(clock.sleeps).toEqual([]);
    });

    it("throws a second 401, not retryable", async () => {
      const { client, tokenRequests, cdfRequests } = harness(() => status(401));
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toEqual({
        kind: "http",
        status: 401,
        message: "failure 401",
        requestId: "req-401",
        retryable: false,
      });
      expect(tokenRequests).toHaveLength(2);
      expect(cdfRequests).toHaveLength(2);
    });

    it("throws a 401 at once with a static token (a new one cannot be had)", async () => {
      const { client, cdfRequests } = harness(() => status(401), {
        client: { auth: { type: "token", token: "t" } },
      });
      expect((await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }))).failure.status).toBe(401);
      expect(cdfRequests).toHaveLength(1);
    });

    it("throws an IdP 400 at once without calling CDF", async () => {
      const { client, tokenRequests, cdfRequests, clock } = harness(ok, {
        idp: (c) =>
          c.json({ error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret" }, 400),
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toMatchObject({ kind: "http", status: 400, retryable: false });
      expect(error.message).toContain("invalid_client: AADSTS7000215: Invalid client secret");
      expect(tokenRequests).toHaveLength(1);
      expect(cdfRequests).toHaveLength(0);
      expect(clock.sleeps).toEqual([]);
    });

    it("retries an IdP outage with backoff", async () => {
      const { client, tokenRequests, clock } = harness(ok, {
        idp: (c, n) => (n <= 2 ? c.text("busy", 503) : c.json({ access_token: "late", expires_in: 3599 })),
      });
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result.attempts).toBe(3);
      expect(tokenRequests).toHaveLength(3);
      expect(clock.sleeps).toEqual([250, 500]);
    });
  });

  describe("createCdfClient: retries", () => {
    it("retries a burst of 503s with full-jitter backoff, then succeeds", async () => {
      const random = [0.5, 0.25, 0.75];
      const { client, clock, cdfRequests } = harness((c, n) => (n <= 3 ? status(503) : ok(c)), {
        client: { random: sequenceRandom(random) },
      });
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result).toMatchObject({ attempts: 4, requestId: "req-ok" });
      expect(cdfRequests).toHaveLength(4);
      expect(clock.sleeps).toEqual(random.map((r, i) => r * Math.min(60_000, 500 * 2 ** i)));
    });

    it("retries 429, 502 and 504 as well", async () => {
      const codes = [429, 502, 504];
      const { client } = harness((c, n) => (n <= codes.length ? status(codes[n - 1]!) : ok(c)));
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result.attempts).toBe(4);
      // One of them was CDF throttling: the forwarder sizes its call slots by that.
      expect(result.throttled).toBe(1);
    });

    it("says nothing of throttling when CDF did not throttle", async () => {
      const { client } = harness((c, n) => (n === 1 ? status(503) : ok(c)));
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result.attempts).toBe(2);
      expect(result).not.toHaveProperty("throttled");
    });

    it("counts the 429s of a call that failed on something else", async () => {
      const { client } = harness((_c, n) => status(n <= 2 ? 429 : 400), {
        client: { retry: { maxRetries: 3 } },
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toMatchObject({ status: 400, throttled: 2 });
    });

    it("waits at least Retry-After (delta-seconds)", async () => {
      const { client, clock } = harness((c, n) => (n === 1 ? status(429, { "retry-after": "2" }) : ok(c)), {
        client: { random: () => 0.1 },
      });
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(clock.sleeps).toHaveLength(1);
      expect(clock.sleeps[0]).toBeGreaterThanOrEqual(2_000);
    });

    it("waits until a Retry-After HTTP date, measured on the injected clock", async () => {
      const clock = new TestClock(Date.UTC(2026, 0, 1, 12, 0, 0));
      const date = new Date(clock.now() + 5_000).toUTCString();
      const { client } = harness((c, n) => (n === 1 ? status(503, { "retry-after": date }) : ok(c)), {
        client: { clock, random: () => 0.1 },
      });
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(clock.sleeps).toEqual([5_000]);
    });

    it("caps a huge Retry-After at maxRetryAfterMs", async () => {
      const { client, clock } = harness(
        (c, n) => (n === 1 ? status(429, { "retry-after": "86400" }) : ok(c)),
        {
          client: { random: () => 0.1, retry: { maxRetryAfterMs: 10_000 } },
        },
      );
      await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(clock.sleeps).toEqual([10_000]);
    });

    it("throws the last failure, retryable with its status, once retries are spent", async () => {
      const { client, clock, cdfRequests } = harness(() => status(429, { "retry-after": "1" }), {
        client: { retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 300 } },
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toEqual({
        kind: "http",
        status: 429,
        message: "failure 429",
        requestId: "req-429",
        retryAfterMs: 1_000,
        retryable: true,
        throttled: 4,
      });
      expect(cdfRequests).toHaveLength(4);
      expect(clock.sleeps).toEqual([1_000, 1_000, 1_000]);
    });

    it("uses a snippet of a non-JSON error page", async () => {
      const page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
      const { client } = harness(() => status(502, { "content-type": "text/html" }, page), {
        client: { retry: { maxRetries: 0 } },
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toMatchObject({ status: 502, message: "502 Bad Gateway", retryable: true });
      expect(error.message).toBe("CDF answered 502: 502 Bad Gateway");
    });

    it("retries when fetch rejects (network error)", async () => {
      let calls = 0;
      const { client, clock } = harness((c, n) => (kind === "undici" && n <= 2 ? dropConnection(c) : ok(c)), {
        fetch: (base) => (input, init) => {
          const isCdf = String(input instanceof Request ? input.url : input).includes("/api/v1/");
          if (isCdf && ++calls <= 2) return Promise.reject(new TypeError("fetch failed"));
          return base(input, init);
        },
      });
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result.attempts).toBe(3);
      expect(clock.sleeps).toEqual([250, 500]);
    });

    it("throws a retryable network failure when the network never comes back", async () => {
      const { client, cdfRequests } = harness(dropConnection, {
        client: { retry: { maxRetries: 2 } },
        fetch: (base) => (input, init) =>
          String(input).includes("/api/v1/")
            ? Promise.reject(new TypeError("fetch failed"))
            : base(input, init),
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toEqual({
        kind: "network",
        message: kind === "undici" ? "other side closed" : "fetch failed",
        retryable: true,
        mayHaveApplied: true,
      });
      expect(error.cause).toBeInstanceOf(kind === "undici" ? Error : TypeError);
      expect(cdfRequests).toHaveLength(kind === "undici" ? 3 : 0);
    });

    it("times out each attempt and retries", async () => {
      const { client, cdfRequests } = harness((c, n) => (n === 1 ? hang(c) : ok(c)), {
        // A real socket under a loaded machine needs longer than 30 ms for the good attempt.
        client: { timeoutMs: kind === "undici" ? 250 : 30, auth: { type: "token", token: "t" } },
      });
      const result = await client.updateTask(TASK_ID, { status: "COMPLETED" });
      expect(result.attempts).toBe(2);
      expect(cdfRequests).toHaveLength(2);
    });

    it("reports a timeout when every attempt hangs", async () => {
      const { client } = harness(hang, {
        client: { timeoutMs: 20, retry: { maxRetries: 1 }, auth: { type: "token", token: "t" } },
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toEqual({
        kind: "network",
        message: "no response within 20 ms",
        retryable: true,
        mayHaveApplied: true,
      });
    });

    it("times out an answer whose body never ends", async () => {
      // Headers and a first chunk, then nothing: the body read must give up with the attempt.
      const stalled = () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"id":'));
            },
          }),
          { status: 200, headers: { "content-type": "application/json" } },
        );
      const { client } = harness(stalled, {
        client: { timeoutMs: 50, retry: { maxRetries: 1 }, auth: { type: "token", token: "t" } },
      });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toMatchObject({
        kind: "network",
        message: "no response within 50 ms",
        retryable: true,
        mayHaveApplied: true,
      });
    });

    it("does not retry 404 or 400, and keeps CDF's message and request id", async () => {
      const cases: [number, string, string][] = [
        [404, JSON.stringify({ error: { code: 404, message: "Task not found" } }), "Task not found"],
        [
          400,
          JSON.stringify({ error: { code: 400, message: "Invalid", missing: [{ id: TASK_ID }] } }),
          `Invalid (missing: [{"id":"${TASK_ID}"}])`,
        ],
        [400, JSON.stringify({ error: "Task is not IN_PROGRESS" }), "Task is not IN_PROGRESS"],
        [409, "conflict, plain text\n", "conflict, plain text"],
        [500, "", "Internal Server Error"],
      ];
      for (const [code, body, message] of cases) {
        const { client, clock, cdfRequests } = harness(
          () =>
            new Response(body, {
              status: code,
              statusText: code === 500 ? "Internal Server Error" : "",
              headers: { "x-request-id": "rid-7" },
            }),
        );
        const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
        expect(error.failure).toEqual({
          kind: "http",
          status: code,
          message,
          requestId: "rid-7",
          retryable: false,
        });
        expect(cdfRequests).toHaveLength(1);
        expect(clock.sleeps).toEqual([]);
      }
    });
  });

  describe("createCdfClient: did CDF maybe apply it?", () => {
    it("flags a final refusal that followed a try whose answer was lost", async () => {
      const { client } = harness((c, n) =>
        n === 1
          ? c.json({ error: { code: 504, message: "Gateway Timeout" } }, 504)
          : c.json({ error: { code: 400, message: "Task is not IN_PROGRESS" } }, 400),
      );
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure).toMatchObject({ status: 400, retryable: false, mayHaveApplied: true });
    });

    it("does not flag a refusal after plain 503s, which CDF answers without applying", async () => {
      const { client } = harness((c, n) =>
        n === 1
          ? c.json({ error: { code: 503, message: "Service Unavailable" } }, 503)
          : c.json({ error: { code: 400, message: "Task is not IN_PROGRESS" } }, 400),
      );
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }));
      expect(error.failure.mayHaveApplied).toBeUndefined();
    });
  });

  describe("createCdfClient: cancellation", () => {
    it("stops retrying when the caller aborts during backoff, throwing the last failure", async () => {
      const controller = new AbortController();
      const clock = new TestClock();
      const sleeping = Object.assign(clock, {
        sleep: async (ms: number, signal?: AbortSignal) => {
          clock.sleeps.push(ms);
          expect(signal).toBe(controller.signal);
          if (clock.sleeps.length === 2) controller.abort();
        },
      });
      const { client, cdfRequests } = harness(() => status(503), { client: { clock: sleeping } });
      const error = await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }, controller.signal));
      expect(error.failure).toMatchObject({
        kind: "http",
        status: 503,
        requestId: "req-503",
        retryable: true,
      });
      expect(cdfRequests).toHaveLength(2);
    });

    it("abandons an attempt in flight", async () => {
      const controller = new AbortController();
      const { client } = harness(hang);
      const pending = client.updateTask(TASK_ID, { status: "COMPLETED" }, controller.signal);
      setTimeout(() => controller.abort(), 20);
      const error = await failure(pending);
      expect(error.failure).toEqual({
        kind: "network",
        message: "aborted by the caller before CDF's answer was read",
        retryable: true,
        mayHaveApplied: true,
      });
    });

    it("sends nothing when already aborted", async () => {
      const { client, cdfRequests, tokenRequests } = harness(ok);
      await failure(client.updateTask(TASK_ID, { status: "COMPLETED" }, AbortSignal.abort()));
      expect(cdfRequests.length + tokenRequests.length).toBe(0);
    });
  });

  describe("createCdfClient: secrets", () => {
    it("never logs or reports the client secret, a token or the Authorization header", async () => {
      const errors: string[] = [];
      const scenarios: Handler[] = [
        (c, n) => (n === 1 ? status(401) : n <= 3 ? status(503, { "retry-after": "1" }) : ok(c)),
        () => status(401),
        () => status(400),
      ];
      const entries = [];
      for (const cdf of scenarios) {
        const h = harness(cdf);
        await h.client
          .updateTask(TASK_ID, { status: "COMPLETED" })
          .catch((e: unknown) => errors.push(String(e)));
        entries.push(...h.logger.entries);
      }
      const echoing = harness(ok, {
        idp: (c) => c.json({ error: "invalid_client", error_description: `bad secret ${SECRET}` }, 401),
      });
      await echoing.client.updateTask(TASK_ID, { status: "COMPLETED" }).catch((e: unknown) => {
        errors.push(String(e), JSON.stringify((e as CdfError).failure));
      });
      entries.push(...echoing.logger.entries);

      expect(entries.some((e) => e.level === "warn")).toBe(true);
      expect(errors).toHaveLength(4);
      const haystack = JSON.stringify(entries) + errors.join("\n");
      expect(haystack).not.toContain(SECRET);
      expect(haystack).not.toMatch(/tok-\d/);
      expect(haystack.toLowerCase()).not.toContain("bearer");
      expect(haystack.toLowerCase()).not.toContain("authorization");
      // The lines that matter carry the context an operator needs.
      const retry = entries.find((e) => e.msg === "cdf call failed; retrying");
      expect(retry?.fields).toMatchObject({
        method: "POST",
        status: 503,
        requestId: "req-503",
        attempt: 2,
        delayMs: 1_000,
      });
    });
  });
});
