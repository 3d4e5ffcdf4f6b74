import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CdfEmulator, isTokenRequest, taskIdOf, updatesOf } from "./support/cdf.js";
import { until } from "./support/eventually.js";
import type { InProcessGateway } from "./support/gateways.js";
import { Resources } from "./support/resources.js";
import type { TaskgateApi } from "./support/taskgate-api.js";

/**
 * The real gateway on an ephemeral port (started from a config file through the real loader)
 * against the CDF emulator on another: what CDF receives, and what taskgate records, on the happy
 * path and through transient CDF failures.
 */
describe("forwarding to CDF over HTTP", () => {
  const resources = new Resources();
  let cdf: CdfEmulator;
  let gw: InProcessGateway;
  let api: TaskgateApi;

  beforeAll(async () => {
    cdf = await resources.cdf();
    const config = resources.config({ cdfUrl: cdf.url, project: cdf.project });
    gw = await resources.inProcessGateway(config);
    api = gw.api;
  });
  afterAll(() => resources.cleanup());
  beforeEach(async () => {
    await cdf.clearFaults();
    await cdf.setTokenLifetime(3600);
  });

  /** Registers a wait for a fresh task, calls back, and returns what the test needs. */
  async function callbackFor(
    waitBody: Record<string, unknown> = {},
    callbackBody: Record<string, unknown> = { status: "COMPLETED" },
  ) {
    const { executionId, taskId } = await cdf.newTask();
    const wait = await api.createWait({ taskId, ...waitBody });
    const answer = await api.callback(wait.callbackUrl, callbackBody);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return { executionId, taskId, wait, deliveryId: answer.body.deliveryId };
  }

  it("completes the task with the merged output and records CDF's request id", async () => {
    const { executionId, taskId } = await cdf.newTask();
    const wait = await api.createWait({
      taskId,
      output: { kind: "approval", details: { requestedBy: "fn", level: 1 } },
      metadata: { ticket: "T-1" },
    });
    expect(wait).toMatchObject({ taskId, status: "open", executionId: null });
    expect(wait.callbackUrl.startsWith(`${gw.url}/v1/callbacks/`)).toBe(true);

    const before = Date.now();
    const body = { status: "COMPLETED", output: { decision: "approved", details: { level: 2 } } };
    const answer = await api.callback(wait.callbackUrl, body);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ outcome: "queued", deliveryId: expect.any(String), waitId: wait.id });
    expect(answer.headers.get("x-request-id")).toBeTruthy();
    const deliveryId = answer.body.deliveryId;

    const delivery = await api.waitForDelivery(deliveryId, "delivered");
    const expectedOutput = {
      kind: "approval",
      decision: "approved",
      details: { requestedBy: "fn", level: 2 },
      taskgate: { deliveryId, source: "callback", receivedAt: expect.any(Number), waitId: wait.id },
    };
    expect(delivery.update).toEqual({ status: "COMPLETED", output: expectedOutput });
    const receivedAt = (delivery.update.output!.taskgate as { receivedAt: number }).receivedAt;
    expect(receivedAt).toBeGreaterThanOrEqual(before);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());

    // What CDF received: one update, exactly the delivery's body, answered 200.
    const updates = updatesOf(await cdf.requests(), taskId);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status: 200, body: delivery.update });
    const requestId = updates[0]!.requestId;

    // The task in CDF: COMPLETED, output merged over what the function task already had.
    const task = await cdf.task(taskId);
    expect(task.status).toBe("COMPLETED");
    expect(task.output).toEqual({
      callId: expect.any(Number),
      functionId: expect.any(Number),
      response: {},
      ...expectedOutput,
    });
    expect((await cdf.execution(executionId)).status).toBe("COMPLETED");

    expect(delivery).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatus: 200,
      lastRequestId: requestId,
      lastError: null,
      deliveredAt: expect.any(Number),
      nextAttemptAt: null,
    });
    expect(delivery.history).toEqual([
      expect.objectContaining({ attempt: 1, outcome: "delivered", httpStatus: 200, requestId, error: null }),
    ]);

    // The wait is closed by this delivery: the same result again is a duplicate, another is refused.
    const waitNow = await api.request<{ status: string; deliveryId: string }>("GET", `/v1/waits/${wait.id}`);
    expect(waitNow.body).toMatchObject({ status: "closed", deliveryId });
    const again = await api.callback(wait.callbackUrl, body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: "duplicate", deliveryId });
    const conflicting = await api.callback(wait.callbackUrl, { status: "FAILED" });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ error: { code: "wait_closed" } });
    expect(updatesOf(await cdf.requests(), taskId)).toHaveLength(1);
  });

  it("resolves executionId + taskExternalId through CDF and completes that task", async () => {
    const execution = await cdf.createExecution({
      tasks: [
        { externalId: "prepare", parameters: { function: { externalId: "prep" }, isAsyncComplete: false } },
        { externalId: "await-callback", dependsOn: [{ externalId: "prepare" }] },
      ],
    });
    const taskId = taskIdOf(execution);
    const wait = await api.createWait({ executionId: execution.id, taskExternalId: "await-callback" });
    expect(wait).toMatchObject({ taskId, executionId: execution.id, taskExternalId: "await-callback" });
    const reads = (await cdf.requests()).filter(
      (e) => e.method === "GET" && e.path.endsWith(`/workflows/executions/${execution.id}`),
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]!.status).toBe(200);

    const answer = await api.callback(wait.callbackUrl, { output: { ok: true } });
    expect(answer.status).toBe(202);
    const delivery = await api.waitForDelivery(answer.body.deliveryId, "delivered");
    expect(delivery.executionId).toBe(execution.id);
    expect(delivery.update.status).toBe("COMPLETED");
    expect((await cdf.task(taskId)).status).toBe("COMPLETED");
    expect((await cdf.execution(execution.id)).status).toBe("COMPLETED");

    // An execution CDF does not know is refused at registration, naming CDF's answer.
    const unknown = await api.request<{ error: { code: string; message: string } }>("POST", "/v1/waits", {
      executionId: crypto.randomUUID(),
      taskExternalId: "await-callback",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("task_not_found");
    expect(unknown.body.error.message).toMatch(/not found/);
  });

  it("rides out a burst of 503s and delivers exactly once", async () => {
    await cdf.addFault({ path: "/workflows/tasks/", status: 503, times: 4 });
    const { taskId, deliveryId } = await callbackFor();
    const delivery = await api.waitForDelivery(deliveryId, "delivered", 15_000);

    const updates = updatesOf(await cdf.requests(), taskId);
    // callRetries 2: the first forwarding attempt is three HTTP calls, the second gets 503 then 200.
    expect(updates.map((u) => u.status)).toEqual([503, 503, 503, 503, 200]);
    expect(delivery.history.map((a) => [a.outcome, a.httpStatus])).toEqual([
      ["retry", 503],
      ["delivered", 200],
    ]);
    expect(delivery.history[0]!.error).toBe("Service Unavailable");
    expect(delivery.history[0]!.requestId).toBe(updates[2]!.requestId);
    expect(delivery).toMatchObject({ attempts: 2, lastStatus: 200, lastRequestId: updates[4]!.requestId });
    expect((await cdf.task(taskId)).status).toBe("COMPLETED");
  });

  it("honours Retry-After on a 429 before sending the update again", async () => {
    await cdf.addFault({ path: "/workflows/tasks/", status: 429, retryAfter: 2, times: 1 });
    const { taskId, deliveryId } = await callbackFor();
    const delivery = await api.waitForDelivery(deliveryId, "delivered", 15_000);

    const updates = updatesOf(await cdf.requests(), taskId);
    expect(updates.map((u) => u.status)).toEqual([429, 200]);
    const gapMs = updates[1]!.time - updates[0]!.time;
    expect(gapMs).toBeGreaterThanOrEqual(2_000);
    expect(gapMs).toBeLessThan(6_000);
    // Retried inside one forwarding attempt: the history shows one delivered attempt.
    expect(delivery.history.map((a) => a.outcome)).toEqual(["delivered"]);
    expect((await cdf.task(taskId)).status).toBe("COMPLETED");
  });

  it("fetches a new token once when CDF stops accepting the current one mid-run", async () => {
    // A first delivery with the token taskgate holds.
    const first = await callbackFor();
    await api.waitForDelivery(first.deliveryId, "delivered");
    const seqBefore = (await cdf.requests()).at(-1)!.seq;

    await cdf.revokeTokens();
    const second = await callbackFor();
    const delivery = await api.waitForDelivery(second.deliveryId, "delivered");

    const since = (await cdf.requests()).filter((e) => e.seq > seqBefore);
    const updates = updatesOf(since, second.taskId);
    expect(updates.map((u) => u.status)).toEqual([401, 200]);
    const tokenCalls = since.filter(isTokenRequest);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.status).toBe(200);
    expect(tokenCalls[0]!.body).toMatchObject({
      grant_type: "client_credentials",
      client_id: "taskgate-local",
    });
    // In order: the refused update, one new token, the update again.
    expect(updates[0]!.seq).toBeLessThan(tokenCalls[0]!.seq);
    expect(tokenCalls[0]!.seq).toBeLessThan(updates[1]!.seq);
    expect(delivery.history.map((a) => a.outcome)).toEqual(["delivered"]);
    expect((await cdf.task(second.taskId)).status).toBe("COMPLETED");
  });

  it("shares one new token among many updates refused at once", async () => {
    const warm = await callbackFor();
    await api.waitForDelivery(warm.deliveryId, "delivered");
    const seqBefore = (await cdf.requests()).at(-1)!.seq;
    await cdf.revokeTokens();
    // Slow updates, so the refused ones overlap.
    await cdf.addFault({ path: "/workflows/tasks/", latencyMs: 100, times: 0 });

    const sent = await Promise.all(Array.from({ length: 6 }, () => callbackFor()));
    await Promise.all(sent.map((s) => api.waitForDelivery(s.deliveryId, "delivered")));

    const since = (await cdf.requests()).filter((e) => e.seq > seqBefore);
    expect(since.filter(isTokenRequest)).toHaveLength(1);
    for (const s of sent) {
      const statuses = updatesOf(since, s.taskId).map((u) => u.status);
      expect([[200], [401, 200]]).toContainEqual(statuses);
    }
    expect(since.some((e) => e.status === 401)).toBe(true);
  });

  it("replaces a short-lived token that ran out between two callbacks", async () => {
    await cdf.setTokenLifetime(2);
    await cdf.revokeTokens(); // the next call gets a 401 and a 2-second token
    const first = await callbackFor();
    await api.waitForDelivery(first.deliveryId, "delivered");
    const log = await cdf.requests();
    const issued = log.filter(isTokenRequest).at(-1)!;
    const seqBefore = log.at(-1)!.seq;

    // The behaviour under test is time itself: let the 2-second token run out.
    await until(() => Date.now() > issued.time + 2_100, { timeoutMs: 5_000 });
    const second = await callbackFor();
    await api.waitForDelivery(second.deliveryId, "delivered");

    const since = (await cdf.requests()).filter((e) => e.seq > seqBefore);
    // One new token, fetched ahead of expiry or after one 401; never more, and one successful update.
    expect(since.filter(isTokenRequest)).toHaveLength(1);
    const statuses = updatesOf(since, second.taskId).map((u) => u.status);
    expect([[200], [401, 200]]).toContainEqual(statuses);
    expect((await cdf.task(second.taskId)).status).toBe("COMPLETED");
  });

  it("retries a dropped connection and delivers once", async () => {
    const fault = await cdf.addFault({ path: "/workflows/tasks/", drop: true, times: 1 });
    const { taskId, deliveryId } = await callbackFor();
    const delivery = await api.waitForDelivery(deliveryId, "delivered");

    const updates = updatesOf(await cdf.requests(), taskId);
    expect(updates.map((u) => [u.status, u.fault])).toEqual([
      [0, fault.id],
      [200, undefined],
    ]);
    expect(delivery.history.map((a) => a.outcome)).toEqual(["delivered"]);
    expect((await cdf.task(taskId)).status).toBe("COMPLETED");
  });
});
