import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../test/support/emulated-cdf.js";
import { json } from "../../test/support/json.js";
import { TestClock } from "../../test/support/test-clock.js";
import { testApp } from "../../test/support/test-deps.js";
import type { KyselyStore } from "../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../adapters/sql/sqlite.js";
import { onError } from "./on-error.js";

describe("the app's edges", () => {
  let store: KyselyStore;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    t = testApp({ store, cdf: emulatedCdf(clock).cdf, clock });
  });
  afterEach(() => store.close());

  it("answers liveness and readiness", async () => {
    expect(await json(await t.app.request("/healthz"))).toEqual({ status: "ok", version: "test" });
    const ready = await t.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: "ready" });
  });

  it("reports not ready (503) when the store is gone", async () => {
    await store.close();
    const res = await t.app.request("/readyz");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await json(res)).toEqual({
      error: {
        code: "store_unavailable",
        message: "not ready: the store does not answer",
        requestId: res.headers.get("x-request-id"),
      },
    });
    expect(t.logger.entries).toContainEqual(
      expect.objectContaining({ level: "warn", msg: "readiness check failed: store unreachable" }),
    );
    store = await openSqliteStore({ path: ":memory:" }); // for afterEach
  });

  it("answers unknown routes with the error envelope and a request id", async () => {
    const res = await t.app.request("/nope");
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: "not_found" });
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("never echoes the path of a 404: it may hold a token", async () => {
    for (const path of ["/v1/callback/eyJhbGciOi.secret-token.sig", "/hooks/eyJ-secret-token-as-source"]) {
      const res = await t.app.request(path, { method: "POST" });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("secret-token");
    }
  });

  it("puts Hono's secure headers on API answers, errors included, but not on the approval pages", async () => {
    for (const [path, status] of [
      ["/healthz", 200],
      ["/readyz", 200],
      ["/v1/waits", 401],
      ["/hooks/nope", 404],
      ["/v1/nope", 404],
    ] as const) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(res.headers.get("strict-transport-security"), path).toContain("max-age=");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
    }
    // The pages keep their own stricter set (DENY, not SAMEORIGIN), with nothing of Hono's mixed in.
    const page = await t.app.request("/a/not-a-token");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("origin-agent-cluster")).toBeNull();
  });

  it("keeps a caller's plain x-request-id and replaces an unsafe one", async () => {
    expect(
      (await t.app.request("/healthz", { headers: { "x-request-id": "fn-42.a" } })).headers.get(
        "x-request-id",
      ),
    ).toBe("fn-42.a");
    const odd = await t.app.request("/healthz", { headers: { "x-request-id": "<script>" } });
    expect(odd.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("turns an unexpected error into a generic 500 that leaks nothing, and logs it", async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      c.set("deps" as never, t.deps as never);
      c.set("requestId" as never, "rid-1" as never);
      await next();
    });
    app.get("/boom", () => {
      throw new Error("db password is hunter2");
    });
    app.onError(onError as never);
    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "internal", requestId: "rid-1" });
    expect(text).not.toContain("hunter2");
    expect(t.logger.entries.some((e) => e.level === "error" && e.msg === "unhandled error")).toBe(true);
  });
});
