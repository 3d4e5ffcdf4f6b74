import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono/validator";
import { describe, expect, it } from "vitest";
import { captureLogger } from "../../test/support/capture-logger.js";
import { TaskgateError } from "../core/errors.js";
import type { AppDeps, AppEnv } from "./env.js";
import { loggablePath, onError, redactMessage } from "./on-error.js";

/** A bare app with only what onError reads: the logger and the request id. */
function appWith(route: (app: Hono<AppEnv>) => void) {
  const logger = captureLogger();
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("deps", { logger } as unknown as AppDeps);
    c.set("requestId", "rid-1");
    await next();
  });
  route(app);
  app.onError(onError);
  return { app, logger };
}

describe("onError", () => {
  it("maps a TaskgateError's code to its status, with details", async () => {
    const { app } = appWith((a) =>
      a.get("/x", () => {
        throw new TaskgateError("wait_closed", "the wait is closed", { details: { status: "cancelled" } });
      }),
    );
    const res = await app.request("/x");
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: "wait_closed",
        message: "the wait is closed",
        requestId: "rid-1",
        details: { status: "cancelled" },
      },
    });
  });

  it("answers Hono's body limit (an HTTPException with its own plain response) in the envelope", async () => {
    const { app } = appWith((a) => a.post("/x", bodyLimit({ maxSize: 4 }), (c) => c.text("ok")));
    const res = await app.request("/x", { method: "POST", body: "0123456789" });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { code: "payload_too_large", message: "the body is too large", requestId: "rid-1" },
    });
  });

  it("answers Hono's validator on malformed JSON in the envelope", async () => {
    const { app } = appWith((a) =>
      a.post(
        "/x",
        validator("json", (v) => v),
        (c) => c.json(c.req.valid("json")),
      ),
    );
    const res = await app.request("/x", {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "invalid_request", message: "Malformed JSON in request body", requestId: "rid-1" },
    });
  });

  it("keeps the headers of an HTTPException's prepared response (a challenge, say)", async () => {
    const { app } = appWith((a) =>
      a.get("/x", () => {
        throw new HTTPException(401, {
          message: "who are you?",
          res: new Response("Unauthorized", { headers: { "www-authenticate": 'Bearer realm="x"' } }),
        });
      }),
    );
    const res = await app.request("/x");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="x"');
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: "unauthorized",
      message: "who are you?",
      requestId: "rid-1",
    });
  });

  it("answers an unknown error with a generic 500 and logs it without the secrets in its message", async () => {
    const { app, logger } = appWith((a) =>
      a.get("/a/:token", () => {
        throw new Error("connect postgres://app:hunter2@db:5432 failed; Authorization: Bearer sk-hunter3");
      }),
    );
    const res = await app.request("/a/eyJ.eyJ.sig");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error).toEqual({
      code: "internal",
      message: "internal error; the request id identifies it in the logs",
      requestId: "rid-1",
    });
    expect(text).not.toContain("hunter");
    const logged = logger.entries.find((e) => e.level === "error" && e.msg === "unhandled error");
    expect(logged?.fields).toMatchObject({ requestId: "rid-1", error: "Error", path: "/a/<token>" });
    expect(JSON.stringify(logged)).not.toMatch(/hunter|eyJ/);
    expect(String(logged?.fields.message)).toContain("connect postgres://<credentials>@db:5432 failed");
  });
});

describe("onError: a client that hangs up", () => {
  it("is logged at info, not as an unhandled error", async () => {
    const { app, logger } = appWith((a) =>
      a.post("/v1/callbacks/:token", async (c) => {
        await c.req.text();
        return c.text("ok");
      }),
    );
    // The body breaks off mid-read, as when the socket closes under @hono/node-server.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{"));
        controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      },
    });
    await app.request("/v1/callbacks/secret-token", {
      method: "POST",
      body,
      ...{ duplex: "half" },
    });
    expect(logger.entries.filter((e) => e.level === "error")).toEqual([]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "client closed the connection before the answer",
        fields: expect.objectContaining({ route: "/v1/callbacks/:token" }),
      }),
    );
  });
});

describe("redactMessage", () => {
  it.each([
    ["https://u:p4ss@host/x", "https://<credentials>@host/x"],
    ["got Bearer abc.def back", "got Bearer <redacted> back"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln expired", "token <jwt> expired"],
    ["plain message", "plain message"],
  ])("%s → %s", (message, logged) => {
    expect(redactMessage(message)).toBe(logged);
  });
});

describe("loggablePath", () => {
  it.each([
    ["/a/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "/a/<token>"],
    ["/v1/callbacks/eyJ.eyJ.sig", "/v1/callbacks/<token>"],
    ["/a/assets/page.css", "/a/<token>/page.css"],
    ["/v1/waits/0197", "/v1/waits/0197"],
    ["/hooks/github", "/hooks/github"],
  ])("%s → %s", (path, logged) => {
    expect(loggablePath(path)).toBe(logged);
  });
});
