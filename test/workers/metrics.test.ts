import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker.js";
import { Scrape } from "../support/prometheus.js";
import { newWait, send } from "./support.js";

/** GET /metrics as workerd answers it: the isolate's own counters, and the store's gauges from D1. */
async function scrape(): Promise<Scrape> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request("https://taskgate.workers.test/metrics"), env, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return new Scrape(await res.text());
}

describe("GET /metrics inside workerd", () => {
  it("counts a callback and its forward by route pattern, with D1's delivery gauges", async () => {
    const before = await scrape();
    const route = { route: "/v1/callbacks/:token", method: "POST", status: "202" };
    const { callbackPath } = await newWait();
    const token = callbackPath.split("/").at(-1)!;
    const res = await send("POST", callbackPath, { body: {} });
    expect(res.status).toBe(202);
    await res.settled;

    const after = await scrape();
    expect(after.value("taskgate_http_requests_total", route)).toBe(
      before.value("taskgate_http_requests_total", route) + 1,
    );
    expect(after.value("taskgate_forward_attempts_total", { result: "delivered" })).toBe(
      before.value("taskgate_forward_attempts_total", { result: "delivered" }) + 1,
    );
    expect(after.value("taskgate_deliveries", { state: "delivered" })).toBeGreaterThanOrEqual(1);
    expect(after.value("taskgate_store_up")).toBe(1);
    expect(after.text).not.toContain(token);
    // Node's process gauges belong to the Node entry point only.
    expect(after.families.some((f) => f.name === "process_resident_memory_bytes")).toBe(false);
  });

  it("answers GET / with the bare status line", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://taskgate.workers.test/"), env, ctx);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("taskgate ok\n");
  });
});
