import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { captureLogger } from "../../../test/support/capture-logger.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { CdfError } from "../../core/cdf-error.js";
import { fetchTransport } from "./http-transport.js";
import {
  type ClientCredentials,
  clientCredentialsTokenProvider,
  refreshMarginMs,
  staticTokenProvider,
} from "./token-provider.js";

const SECRET = "s3cr3t-Value~xyz";
const credentials: ClientCredentials = {
  tokenUrl: "https://login.example.com/tenant/oauth2/v2.0/token",
  clientId: "client-1",
  clientSecret: SECRET,
  scopes: ["https://api.cognitedata.com/.default", "offline"],
};

type Reply = (n: number) => Response | Promise<Response>;

/** A fake identity provider: counts token requests, records forms, answers with `reply`. */
function idp(reply: Reply = (n) => Response.json({ access_token: `tok-${n}`, expires_in: 3600 })) {
  const forms: Record<string, string>[] = [];
  const contentTypes: string[] = [];
  const app = new Hono();
  app.post("/tenant/oauth2/v2.0/token", async (c) => {
    contentTypes.push(c.req.header("content-type") ?? "");
    forms.push(Object.fromEntries(new URLSearchParams(await c.req.text())));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return reply(forms.length);
  });
  const fetch: typeof globalThis.fetch = (input, init) =>
    Promise.resolve(app.fetch(new Request(input, init)));
  return { forms, contentTypes, fetch };
}

function setup(reply?: Reply, timeoutMs = 30_000) {
  const server = idp(reply);
  const clock = new TestClock();
  const logger = captureLogger();
  const provider = clientCredentialsTokenProvider(credentials, {
    transport: fetchTransport(server.fetch),
    clock,
    logger,
    timeoutMs,
  });
  return { ...server, clock, logger, provider };
}

async function failure(promise: Promise<unknown>): Promise<CdfError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CdfError);
  return error as CdfError;
}

describe("clientCredentialsTokenProvider", () => {
  it("posts the client-credentials form and returns the access token", async () => {
    const { provider, forms, contentTypes } = setup();
    expect(await provider.getToken()).toBe("tok-1");
    expect(forms).toEqual([
      {
        grant_type: "client_credentials",
        client_id: "client-1",
        client_secret: SECRET,
        scope: "https://api.cognitedata.com/.default offline",
      },
    ]);
    expect(contentTypes).toEqual(["application/x-www-form-urlencoded"]);
  });

  it("caches until 30 s before expiry, and refreshes exactly then", async () => {
    const { provider, forms, clock } = setup();
    const expiry = clock.now() + 3_600_000;
    expect(await provider.getToken()).toBe("tok-1");
    clock.set(expiry - 30_000 - 1);
    expect(await provider.getToken()).toBe("tok-1");
    expect(forms).toHaveLength(1);
    clock.set(expiry - 30_000);
    expect(await provider.getToken()).toBe("tok-2");
    expect(forms).toHaveLength(2);
  });

  it("refreshes a short-lived token at half its lifetime, not on every call", async () => {
    const { provider, forms, clock } = setup((n) =>
      Response.json({ access_token: `tok-${n}`, expires_in: "2" }),
    );
    const start = clock.now();
    await provider.getToken();
    clock.set(start + 999);
    expect(await provider.getToken()).toBe("tok-1");
    clock.set(start + 1_000);
    expect(await provider.getToken()).toBe("tok-2");
    expect(forms).toHaveLength(2);
    expect(refreshMarginMs(3_599_000)).toBe(30_000);
    expect(refreshMarginMs(2_000)).toBe(1_000);
    expect(refreshMarginMs(-5)).toBe(0);
  });

  it("sends one request for 20 concurrent callers (single flight)", async () => {
    const { provider, forms } = setup();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.getToken()));
    expect(forms).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(["tok-1"]));
  });

  it("shares a failure too, and tries again on the next call", async () => {
    const { provider, forms } = setup((n) =>
      n === 1 ? new Response("down", { status: 503 }) : Response.json({ access_token: "ok", expires_in: 60 }),
    );
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => provider.getToken()));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(forms).toHaveLength(1);
    expect(await provider.getToken()).toBe("ok");
  });

  it("invalidate() forces a new token, but keeps one newer than the rejected token", async () => {
    const { provider, forms } = setup();
    expect(await provider.getToken()).toBe("tok-1");
    provider.invalidate("tok-1");
    expect(await provider.getToken()).toBe("tok-2");
    provider.invalidate("tok-1"); // a late 401 for the old token
    expect(await provider.getToken()).toBe("tok-2");
    provider.invalidate();
    expect(await provider.getToken()).toBe("tok-3");
    expect(forms).toHaveLength(3);
  });

  it("keeps using a still-valid token when an early refresh fails transiently", async () => {
    const { provider, clock, logger } = setup((n) =>
      n === 1
        ? Response.json({ access_token: "tok-1", expires_in: 3600 })
        : new Response("", { status: 503 }),
    );
    const expiry = clock.now() + 3_600_000;
    await provider.getToken();
    clock.set(expiry - 10_000);
    expect(await provider.getToken()).toBe("tok-1");
    expect(logger.entries.some((e) => e.level === "warn" && e.msg.includes("token refresh failed"))).toBe(
      true,
    );
    clock.set(expiry);
    expect((await failure(provider.getToken())).failure.status).toBe(503);
  });

  it("names the IdP's error and description, never the secret, and does not retry 400/401", async () => {
    for (const status of [400, 401]) {
      const body = {
        error: "invalid_client",
        error_description: `AADSTS7000215: Invalid client secret provided: ${SECRET}`,
      };
      const { provider } = setup(() => Response.json(body, { status }));
      const error = await failure(provider.getToken());
      expect(error.failure).toMatchObject({ kind: "http", status, retryable: false });
      expect(error.message).toContain("invalid_client: AADSTS7000215: Invalid client secret provided");
      expect(error.message).not.toContain(SECRET);
      expect(error.message).toContain("[redacted]");
    }
  });

  it("marks 429 and 5xx from the IdP retryable, with a snippet of a non-JSON body", async () => {
    for (const status of [429, 500, 502]) {
      const { provider } = setup(
        () => new Response("<h1>Busy</h1>", { status, headers: { "x-ms-request-id": "ms-1" } }),
      );
      const error = await failure(provider.getToken());
      expect(error.failure).toMatchObject({ kind: "http", status, retryable: true, requestId: "ms-1" });
      expect(error.failure.message).toBe("identity provider refused the token request: Busy");
    }
  });

  it("turns a network failure into a retryable CdfError", async () => {
    const clock = new TestClock();
    const provider = clientCredentialsTokenProvider(credentials, {
      transport: () => Promise.reject(new TypeError("fetch failed")),
      clock,
      logger: captureLogger(),
      timeoutMs: 1_000,
    });
    const error = await failure(provider.getToken());
    expect(error.failure).toEqual({
      kind: "network",
      message: "identity provider unreachable: fetch failed",
      retryable: true,
    });
  });

  it("times out a token request that never answers", async () => {
    const { provider } = setup(() => new Promise<Response>(() => {}), 20);
    const error = await failure(provider.getToken());
    expect(error.failure).toMatchObject({ kind: "network", retryable: true });
    expect(error.message).toContain("no response within 20 ms");
  });

  it("refuses a 200 without an access_token", async () => {
    const { provider } = setup(() => Response.json({ token_type: "Bearer" }));
    const error = await failure(provider.getToken());
    expect(error.failure).toMatchObject({ retryable: false, status: 200 });
  });

  it("lets a caller's abort stop waiting without failing the others", async () => {
    const { provider, forms } = setup();
    const controller = new AbortController();
    const waiting = provider.getToken(controller.signal);
    const other = provider.getToken();
    controller.abort(new Error("shutdown"));
    await expect(waiting).rejects.toThrow("shutdown");
    expect(await other).toBe("tok-1");
    expect(forms).toHaveLength(1);
  });

  it("logs no secret and no token", async () => {
    const { provider, logger } = setup((n) =>
      n === 1
        ? Response.json({ access_token: "tok-1", expires_in: 3600 })
        : Response.json({}, { status: 400 }),
    );
    await provider.getToken();
    provider.invalidate();
    await provider.getToken().catch(() => {});
    const logged = JSON.stringify(logger.entries);
    expect(logger.entries.length).toBeGreaterThan(0);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain("tok-1");
  });
});

describe("staticTokenProvider", () => {
  it("returns its token and cannot be refreshed", async () => {
    const provider = staticTokenProvider("fixed");
    provider.invalidate("fixed");
    expect(await provider.getToken()).toBe("fixed");
    expect(provider.refreshable).toBe(false);
  });
});
