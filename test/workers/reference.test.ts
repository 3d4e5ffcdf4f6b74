import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker.js";

async function get(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://taskgate.workers.test${path}`), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

interface Doc {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, { operationId: string }>>;
}

/** The reference is served by the worker itself: no static assets, no CDN, the same document. */
describe("the API reference on Workers", () => {
  it("serves /openapi.json with this deployment's publicUrl and every route", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.servers[0]?.url).toBe("https://taskgate.workers.test");
    for (const path of [
      "/v1/waits",
      "/v1/callbacks/{token}",
      "/hooks/{source}",
      "/v1/approvals/{id}",
      "/docs",
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it("serves /docs and its stylesheet under the strict CSP, every operation on the page", async () => {
    const doc = (await (await get("/openapi.json")).json()) as Doc;
    const res = await get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain("<script");
    for (const item of Object.values(doc.paths))
      for (const op of Object.values(item)) expect(html).toContain(`id="${op.operationId}"`);
    const css = await get("/docs/assets/docs.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });
});
