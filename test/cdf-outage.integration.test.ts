import { afterAll, describe, expect, it } from "vitest";
import { updatesOf } from "./support/cdf.js";
import { eventually, until } from "./support/eventually.js";
import { Resources } from "./support/resources.js";

/**
 * Accepting a callback never depends on CDF; forwarding waits for CDF to come back, and an answer
 * that comes too late never makes taskgate complete a task twice.
 */
describe("when CDF is down or slow", () => {
  const resources = new Resources();
  afterAll(() => resources.cleanup());

  it("still acknowledges callbacks, records the network error, and delivers once CDF is back", async () => {
    const cdf = await resources.cdf();
    // taskgate reaches CDF (API and token endpoint) only through a relay the test can cut.
    const relay = await resources.proxy(cdf.url);
    const config = resources.config({
      cdfUrl: relay.url,
      project: cdf.project,
      forwarder: { callRetries: 0 },
      cdfTimeout: "2s",
    });
    const { api } = await resources.inProcessGateway(config);

    await relay.down();
    const { taskId } = await cdf.newTask();
    const wait = await api.createWait({ taskId });
    const answer = await api.callback(wait.callbackUrl, { output: { n: 1 } });
    expect(answer.status).toBe(202);
    expect(answer.body.outcome).toBe("queued");
    expect((await api.request("GET", "/readyz", undefined, false)).status).toBe(200);

    const pending = await eventually(
      async () => {
        const d = await api.delivery(answer.body.deliveryId);
        expect(d.attempts).toBeGreaterThanOrEqual(1);
        return d;
      },
      { what: "a failed forwarding attempt" },
    );
    expect(pending).toMatchObject({ status: "pending", lastStatus: null, lastRequestId: null });
    expect(pending.nextAttemptAt).toBeGreaterThanOrEqual(pending.history[0]!.finishedAt);
    expect(pending.lastError).toMatch(/ECONNREFUSED|fetch failed|unreachable/i);
    expect(pending.history[0]).toMatchObject({ outcome: "retry", httpStatus: null });
    expect(updatesOf(await cdf.requests(), taskId)).toHaveLength(0);

    await relay.up();
    const delivered = await api.waitForDelivery(answer.body.deliveryId, "delivered", 15_000);
    expect(delivered.history.at(-1)).toMatchObject({ outcome: "delivered", httpStatus: 200 });
    expect(delivered.history.slice(0, -1).every((a) => a.outcome === "retry")).toBe(true);
    expect(updatesOf(await cdf.requests(), taskId).map((u) => u.status)).toEqual([200]);
    expect((await cdf.task(taskId)).status).toBe("COMPLETED");
  });

  it("completes the task once when CDF answers after the client's timeout", async () => {
    const cdf = await resources.cdf();
    const config = resources.config({ cdfUrl: cdf.url, project: cdf.project, cdfTimeout: "1s" });
    const { api } = await resources.inProcessGateway(config);
    // The first update is held 1.5 s, then applied; taskgate gives up waiting after 1 s and retries.
    await cdf.addFault({ path: "/workflows/tasks/", latencyMs: 1_500, times: 1 });
    const { executionId, taskId } = await cdf.newTask();
    const wait = await api.createWait({ taskId, executionId });
    const answer = await api.callback(wait.callbackUrl, { output: { slow: true } });
    expect(answer.status).toBe(202);

    const delivery = await api.waitForDelivery(answer.body.deliveryId, "delivered", 15_000);
    await until(async () => updatesOf(await cdf.requests(), taskId).every((u) => u.status !== 0));
    const updates = updatesOf(await cdf.requests(), taskId);
    // Whichever request CDF applied first, the other was refused: one successful update.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.filter((u) => u.status === 200)).toHaveLength(1);
    expect(updates.filter((u) => u.status !== 200).every((u) => u.status === 400)).toBe(true);
    expect(["delivered", "reconciled"]).toContain(delivery.history.at(-1)!.outcome);
    const task = await cdf.task(taskId);
    expect(task.status).toBe("COMPLETED");
    expect(task.output).toMatchObject({ slow: true, taskgate: { deliveryId: delivery.id } });
  });
});
