import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually.js";
import { Scrape } from "./support/prometheus.js";
import { Resources } from "./support/resources.js";

/**
 * DESIGN §6 load shedding on the backlog, on the real gateway (config file, SQLite, a socket):
 * while CDF refuses every update the pending deliveries pile up; once the forwarder's count
 * reaches `limits.maxBacklog`, accepts answer 503 `overloaded` with Retry-After, each refusal is
 * in the rejected-request log and the metrics, and accepts resume once the backlog drains.
 */
describe("load shedding on the due backlog", () => {
  const resources = new Resources();
  afterAll(() => resources.cleanup());

  it("refuses accepts past limits.maxBacklog with 503 overloaded + Retry-After, records them, and resumes when it drains", async () => {
    const cdf = await resources.cdf();
    const file = resources.config({
      cdfUrl: cdf.url,
      project: cdf.project,
      limits: { maxBacklog: 3 },
    });
    const { api, url } = await resources.inProcessGateway(file);
    await cdf.addFault({ path: "/workflows/tasks/", status: 503, retryAfter: 1, times: 0 });

    const waits = await Promise.all(
      Array.from({ length: 10 }, async () => api.createWait({ taskId: (await cdf.newTask()).taskId })),
    );
    for (const w of waits.slice(0, 3)) {
      expect((await api.callback(w.callbackUrl, { output: {} })).status).toBe(202);
    }
    // The forwarder counts once a second; until then more may still be accepted.
    let next = 3;
    const { shed, refused } = await eventually(
      async () => {
        const w = waits[next++]!;
        const res = await api.callback(w.callbackUrl, { output: {} });
        expect(res.status).toBe(503);
        return { shed: res, refused: w };
      },
      { what: "a 503 once the backlog is counted", timeoutMs: 5_000, intervalMs: 300 },
    );
    expect(shed.headers.get("retry-after")).toBe("10");
    expect(shed.body).toMatchObject({ error: { code: "overloaded" } });
    // Nothing was stored for the refused callback.
    expect((await api.deliveries("pending")).length).toBe(next - 1);
    expect((await api.request("GET", `/v1/waits/${refused.id}`)).body).toMatchObject({ status: "open" });

    const metrics = new Scrape(await (await fetch(`${url}/metrics`)).text());
    expect(metrics.value("taskgate_delivery_backlog")).toBeGreaterThanOrEqual(3);
    expect(
      metrics.value("taskgate_rejections_total", { source: "callback", code: "overloaded" }),
    ).toBeGreaterThan(0);
    const rejections = await eventually(async () => {
      const res = await api.request<{ items: { code: string; status: number }[] }>(
        "GET",
        "/v1/rejections?code=overloaded",
      );
      expect(res.body.items.length).toBeGreaterThan(0);
      return res.body.items;
    });
    expect(rejections[0]).toMatchObject({ code: "overloaded", status: 503 });

    // CDF answers again: the backlog drains, the next count is under the cap, accepts resume.
    await cdf.clearFaults();
    await eventually(
      async () => expect((await api.callback(refused.callbackUrl, { output: {} })).status).toBe(202),
      { what: "accepts to resume", timeoutMs: 20_000, intervalMs: 500 },
    );
  }, 40_000);
});
