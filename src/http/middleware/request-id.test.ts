import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppDeps, AppEnv } from "../env.js";
import { requestId } from "./request-id.js";

const app = () => {
  let n = 0;
  const a = new Hono<AppEnv>();
  a.use(async (c, next) => {
    c.set("deps", { ids: { newId: () => `generated-${++n}` } } as unknown as AppDeps);
    await next();
  });
  a.use(requestId);
  a.get("/json", (c) => c.json({ id: c.get("requestId") }));
  a.get("/raw", () => new Response("made elsewhere"));
  // Response.redirect's headers are immutable.
  a.get("/immutable", () => Response.redirect("http://x/json", 302));
  a.get("/throws", () => {
    throw new Error("boom");
  });
  a.onError(() => new Response("failed", { status: 500 }));
  return a;
};

describe("request-id", () => {
  it("answers every response with x-request-id, however the response was made", async () => {
    const a = app();
    for (const path of ["/json", "/raw", "/immutable", "/throws"]) {
      const res = await a.request(`http://x${path}`, { headers: { "x-request-id": "caller-1" } });
      expect(res.headers.get("x-request-id"), path).toBe("caller-1");
    }
    const res = await a.request("http://x/json");
    expect(res.headers.get("x-request-id")).toBe("generated-1");
    expect(await res.json()).toEqual({ id: "generated-1" });
  });

  it("keeps a caller's id only when it is short and plain", async () => {
    const a = app();
    for (const bad of ["has space", "x".repeat(129), "semi;colon", "<script>"]) {
      const res = await a.request("http://x/raw", { headers: { "x-request-id": bad } });
      expect(res.headers.get("x-request-id"), bad).toMatch(/^generated-\d+$/);
    }
    const ok = "fn-run_42:attempt.1";
    expect(
      (await a.request("http://x/raw", { headers: { "x-request-id": ok } })).headers.get("x-request-id"),
    ).toBe(ok);
  });

  it("sets the header once: a response that carries it is not copied", async () => {
    const a = new Hono<AppEnv>();
    a.use(async (c, next) => {
      c.set("deps", { ids: { newId: () => "g" } } as unknown as AppDeps);
      await next();
    });
    a.use(requestId);
    let made: Response | undefined;
    a.get("/json", (c) => {
      made = c.json({});
      return made;
    });
    const res = await a.request("http://x/json");
    expect(res.headers.get("x-request-id")).toBe("g");
    // The response the handler built is the one answered (not a copy with the header added).
    expect(res).toBe(made);
  });
});
