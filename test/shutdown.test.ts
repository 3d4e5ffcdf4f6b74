import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { updatesOf } from "./support/cdf.js";
import { until } from "./support/eventually.js";
import { Resources } from "./support/resources.js";

const CALLBACKS = 10;

/** SIGTERM stops `taskgate serve` gracefully: no new requests, in-flight updates finish, exit 0. */
describe("graceful shutdown of a child gateway", () => {
  const resources = new Resources();
  afterAll(() => resources.cleanup());

  it("finishes the updates in flight, releases every lease and exits 0", async () => {
    const cdf = await resources.cdf();
    // A long lease, so one left behind would still be visible in the database afterwards.
    const config = resources.config({
      cdfUrl: cdf.url,
      project: cdf.project,
      forwarder: { concurrency: 4, lease: "60s", pollInterval: "200ms" },
    });
    const child = await resources.childGateway(config);

    // Warm up the token, then make every task update take 300 ms.
    const warm = await cdf.newTask();
    const warmWait = await child.api.createWait({ taskId: warm.taskId });
    const warmAnswer = await child.api.callback(warmWait.callbackUrl);
    await child.api.waitForDelivery(warmAnswer.body.deliveryId, "delivered");
    await cdf.addFault({ path: "/workflows/tasks/", latencyMs: 300, times: 0 });

    const taskIds: string[] = [];
    const answers = await Promise.all(
      Array.from({ length: CALLBACKS }, async (_, i) => {
        const { taskId } = await cdf.newTask();
        taskIds.push(taskId);
        const wait = await child.api.createWait({ taskId });
        return child.api.callback(wait.callbackUrl, { output: { i } });
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(CALLBACKS).fill(202));

    // Signal while updates are in flight and most tasks are still waiting.
    const inFlight = () => cdf.emulator.requests.filter((e) => e.path.endsWith("/update") && e.status === 0);
    await until(() => inFlight().length > 0, { what: "an update in flight" });
    const unfinished = taskIds.filter((id) => cdf.emulator.getTask(id)!.status === "IN_PROGRESS");
    expect(unfinished.length).toBeGreaterThan(1);
    child.kill("SIGTERM");

    // It stops accepting at once, while it still drains.
    await until(() =>
      child.logs.some((l) => l.msg === "shutting down: no new requests; finishing in-flight work"),
    );
    const late = await fetch(`${child.url}/healthz`).then(
      (r) => r.status,
      () => "refused",
    );
    const stillDraining = child.running;
    expect(late).toBe("refused");
    expect(stillDraining).toBe(true);

    const exit = await child.exited;
    expect(exit, child.output()).toEqual({ code: 0, signal: null });

    // By the time it exited, CDF had answered every update: each task completed once.
    const log = cdf.emulator.requests;
    for (const taskId of taskIds) {
      expect(cdf.emulator.getTask(taskId)!.status).toBe("COMPLETED");
      expect(updatesOf(log, taskId).map((u) => u.status)).toEqual([200]);
    }
    expect(child.logs.map((l) => l.msg)).toContain("stopped");
    expect(child.logs.filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);

    // And recorded it: every delivery delivered, no lease left behind.
    const store = await openSqliteStore({ path: config.databasePath });
    try {
      const { items } = await store.listDeliveries({ limit: 1000 });
      expect(items).toHaveLength(CALLBACKS + 1);
      for (const d of items) {
        expect(d).toMatchObject({ status: "delivered", leaseOwner: null, leaseUntil: null, attempts: 1 });
      }
    } finally {
      await store.close();
    }
  }, 30_000);
});
