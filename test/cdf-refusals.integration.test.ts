import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CdfEmulator, updatesOf } from "./support/cdf.js";
import type { InProcessGateway } from "./support/gateways.js";
import { Resources } from "./support/resources.js";
import type { TaskgateApi } from "./support/taskgate-api.js";

/**
 * CDF refuses the update for good (4xx): taskgate dead-letters with CDF's own message and request
 * id, unless it can read the execution back and see the task already in the requested status.
 */
describe("when CDF refuses the update", () => {
  const resources = new Resources();
  let cdf: CdfEmulator;
  let gw: InProcessGateway;
  let api: TaskgateApi;

  beforeAll(async () => {
    cdf = await resources.cdf();
    gw = await resources.inProcessGateway(resources.config({ cdfUrl: cdf.url, project: cdf.project }));
    api = gw.api;
  });
  afterAll(() => resources.cleanup());

  async function callback(callbackUrl: string, body: Record<string, unknown> = { status: "COMPLETED" }) {
    const answer = await api.callback(callbackUrl, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body.deliveryId;
  }

  const executionReads = async (executionId: string) =>
    (await cdf.requests()).filter(
      (e) => e.method === "GET" && e.path.endsWith(`/workflows/executions/${executionId}`),
    );

  it("dead-letters an unknown task with CDF's 404 message and request id, without retrying", async () => {
    const taskId = crypto.randomUUID();
    const wait = await api.createWait({ taskId });
    const deliveryId = await callback(wait.callbackUrl);
    const delivery = await api.waitForDelivery(deliveryId, "dead");

    const updates = updatesOf(await cdf.requests(), taskId);
    expect(updates.map((u) => u.status)).toEqual([404]);
    const message = `Task execution '${taskId}' not found.`;
    expect(delivery).toMatchObject({
      status: "dead",
      attempts: 1,
      lastStatus: 404,
      lastRequestId: updates[0]!.requestId,
      deliveredAt: null,
    });
    expect(delivery.lastError).toContain(message);
    expect(delivery.history).toEqual([
      expect.objectContaining({ outcome: "dead", httpStatus: 404, requestId: updates[0]!.requestId }),
    ]);
    expect(delivery.history[0]!.error).toContain(message);
  });

  it("counts a task already COMPLETED as delivered when the execution is known (reconciled)", async () => {
    const execution = await cdf.createExecution();
    const wait = await api.createWait({ executionId: execution.id, taskExternalId: "await-callback" });
    // Something else completes the task in CDF before the callback arrives.
    await cdf.updateTaskDirectly(wait.taskId, { status: "COMPLETED", output: { by: "someone else" } });

    const deliveryId = await callback(wait.callbackUrl, { status: "COMPLETED", output: { by: "taskgate" } });
    const delivery = await api.waitForDelivery(deliveryId, "delivered");

    const updates = updatesOf(await cdf.requests(), wait.taskId);
    // The direct completion, then taskgate's update, refused because the task is no longer IN_PROGRESS.
    expect(updates.map((u) => u.status)).toEqual([200, 400]);
    expect(delivery.history).toEqual([
      expect.objectContaining({ outcome: "reconciled", httpStatus: 400, requestId: updates[1]!.requestId }),
    ]);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 400 });
    // Reconciliation read the execution back (once at registration, once to reconcile).
    expect(await executionReads(execution.id)).toHaveLength(2);
    // CDF's task keeps the output it got first: nothing was applied twice.
    const task = await cdf.task(wait.taskId);
    expect(task.status).toBe("COMPLETED");
    expect(task.output.by).toBe("someone else");
    expect(task.output.taskgate).toBeUndefined();
  });

  it("dead-letters when the execution is known but the task ended otherwise", async () => {
    const { executionId, taskId } = await cdf.newTask();
    const wait = await api.createWait({ taskId, executionId });
    await cdf.updateTaskDirectly(taskId, { status: "FAILED_WITH_TERMINAL_ERROR" });

    const deliveryId = await callback(wait.callbackUrl);
    const delivery = await api.waitForDelivery(deliveryId, "dead");
    const updates = updatesOf(await cdf.requests(), taskId);
    expect(updates.map((u) => u.status)).toEqual([200, 400]);
    expect(delivery).toMatchObject({ lastStatus: 400, lastRequestId: updates[1]!.requestId });
    expect(delivery.lastError).toContain("only an IN_PROGRESS task can be updated");
    expect(delivery.lastError).toContain("the task is FAILED_WITH_TERMINAL_ERROR");
    expect(delivery.history.map((a) => a.outcome)).toEqual(["dead"]);
  });

  it("dead-letters with CDF's message for a CANCELED task when the execution is unknown", async () => {
    const { executionId, taskId } = await cdf.newTask();
    const wait = await api.createWait({ taskId });
    await cdf.cancelExecution(executionId);
    expect((await cdf.task(taskId)).status).toBe("CANCELED");

    const deliveryId = await callback(wait.callbackUrl);
    const delivery = await api.waitForDelivery(deliveryId, "dead");
    const updates = updatesOf(await cdf.requests(), taskId);
    expect(updates.map((u) => u.status)).toEqual([400]);
    expect(delivery).toMatchObject({ lastStatus: 400, lastRequestId: updates[0]!.requestId, attempts: 1 });
    expect(delivery.lastError).toContain(
      `Task 'await-callback' (${taskId}) is CANCELED; only an IN_PROGRESS task can be updated.`,
    );
    expect(delivery.history).toEqual([
      expect.objectContaining({ outcome: "dead", httpStatus: 400, requestId: updates[0]!.requestId }),
    ]);
    // Without an execution id there is nothing to read back.
    expect(await executionReads(executionId)).toHaveLength(0);
  });

  it("dead-letters with CDF's message for a FAILED task when the execution is unknown", async () => {
    const { taskId } = await cdf.newTask();
    const wait = await api.createWait({ taskId });
    await cdf.updateTaskDirectly(taskId, { status: "FAILED_WITH_TERMINAL_ERROR" });

    const deliveryId = await callback(wait.callbackUrl, { status: "FAILED", output: { reason: "declined" } });
    const delivery = await api.waitForDelivery(deliveryId, "dead");
    expect(delivery.lastStatus).toBe(400);
    expect(delivery.lastError).toContain(
      `Task 'await-callback' (${taskId}) is FAILED_WITH_TERMINAL_ERROR; only an IN_PROGRESS task can be updated.`,
    );
    expect(await api.deliveries("dead")).toContainEqual(expect.objectContaining({ id: deliveryId }));
  });
});
