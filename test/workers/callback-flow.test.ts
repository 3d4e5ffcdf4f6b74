import {
  createExecutionContext,
  createScheduledController,
  env,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker.js";
import { gatewayFor } from "../../src/workers/gateway.js";
import { emulator, eventually, newWait, send, updatesOf } from "./support.js";

// The exported handler is what wrangler deploys: prove its shape against the Workers types.
const handler: ExportedHandler<Cloudflare.Env> = worker;

/** Runs the cron handler once, as the runtime does every minute, and waits for it to finish. */
async function cronPass(bindings: Cloudflare.Env = env): Promise<void> {
  const ctx = createExecutionContext();
  await handler.scheduled!(
    createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

describe("waits and callback URLs inside workerd (D1, CDF emulator over HTTP)", () => {
  it("completes the task in CDF right after the 202, through the deployed fetch handler", async () => {
    const { taskId, callbackPath } = await newWait();
    // SELF is the worker as wrangler runs it: the runtime owns the request and its waitUntil.
    const res = await SELF.fetch(`https://taskgate.workers.test${callbackPath}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ output: { approvedBy: "workerd" } }),
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { outcome: string; deliveryId: string };
    expect(accepted.outcome).toBe("queued");
    expect(res.headers.get("x-request-id")).toBeTruthy();

    // No cron runs in these tests: only the immediate forward can complete the task.
    const task = await eventually(async () => {
      const t = await emulator.task(taskId);
      expect(t.status).toBe("COMPLETED");
      return t;
    });
    expect(task.output).toMatchObject({
      approvedBy: "workerd",
      taskgate: { deliveryId: accepted.deliveryId },
    });
    const delivery = await send("GET", `/v1/deliveries/${accepted.deliveryId}`, { apiKey: env.TEST_API_KEY });
    expect(delivery.body).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 200 });
  });

  it("hands the forward to the accepting request's waitUntil: done when that request settles", async () => {
    const { taskId, waitId, callbackPath } = await newWait();
    const first = await send("POST", callbackPath, { body: { output: { n: 1 } } });
    expect(first.status).toBe(202);
    await first.settled;
    expect((await emulator.task(taskId)).status).toBe("COMPLETED");
    expect(updatesOf(await emulator.requests(), taskId)).toHaveLength(1);
    const wait = await send("GET", `/v1/waits/${waitId}`, { apiKey: env.TEST_API_KEY });
    expect(wait.body).toMatchObject({ status: "closed", deliveryId: first.body.deliveryId });

    // The same result again is the sender retrying: 200 duplicate, and nothing more is sent.
    const again = await send("POST", callbackPath, { body: { output: { n: 1 } } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: "duplicate", deliveryId: first.body.deliveryId });
    await again.settled;
    // A different result after the first is refused.
    const other = await send("POST", callbackPath, { body: { status: "FAILED" } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: "wait_closed" } });
    expect(updatesOf(await emulator.requests(), taskId)).toHaveLength(1);
  });

  it("refuses a forged callback token and a wrong API key with 401", async () => {
    const { callbackPath } = await newWait();
    const forged = `${callbackPath.slice(0, -3)}${callbackPath.endsWith("AAA") ? "BBB" : "AAA"}`;
    const res = await send("POST", forged, { body: {} });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: "token_invalid" } });

    const taskId = await emulator.newTask();
    const noKey = await send("POST", "/v1/waits", { apiKey: "not-the-key", body: { taskId } });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("lets the cron forward a delivery whose immediate attempt failed (CDF answered 503)", async () => {
    const { taskId, callbackPath } = await newWait();
    await emulator.addFault({ path: `/workflows/tasks/${taskId}/update`, status: 503, times: 1 });
    const res = await send("POST", callbackPath, { body: { output: { tries: "two" } } });
    expect(res.status).toBe(202);
    await res.settled;
    const deliveryId = String(res.body.deliveryId);
    const afterFirst = await send("GET", `/v1/deliveries/${deliveryId}`, { apiKey: env.TEST_API_KEY });
    expect(afterFirst.body).toMatchObject({ status: "pending", attempts: 1, lastStatus: 503 });
    expect((await emulator.task(taskId)).status).toBe("IN_PROGRESS");

    // The retry is due after a short jittered backoff; the cron pass takes it from there.
    const dueAt = Number(afterFirst.body.nextAttemptAt);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now() + 5)));
    await cronPass();
    const delivered = await send("GET", `/v1/deliveries/${deliveryId}`, { apiKey: env.TEST_API_KEY });
    expect(delivered.body).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 200 });
    expect((delivered.body.history as { outcome: string }[]).map((a) => a.outcome)).toEqual([
      "retry",
      "delivered",
    ]);
    expect((await emulator.task(taskId)).status).toBe("COMPLETED");
  });

  it("never sends one delivery twice when two isolates run the cron at once", async () => {
    const tasks: { taskId: string; deliveryId: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const { taskId, callbackPath } = await newWait();
      await emulator.addFault({ path: `/workflows/tasks/${taskId}/update`, status: 503, times: 1 });
      const res = await send("POST", callbackPath, { body: {} });
      await res.settled;
      tasks.push({ taskId, deliveryId: String(res.body.deliveryId) });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the longest first backoff
    // A copy of the bindings is another identity, so another gateway: a second isolate on the same D1.
    const otherIsolate = { ...env };
    expect(gatewayFor(otherIsolate)).not.toBe(gatewayFor(env));
    await Promise.all([cronPass(env), cronPass(otherIsolate), cronPass(env), cronPass(otherIsolate)]);

    const log = await emulator.requests();
    for (const { taskId, deliveryId } of tasks) {
      expect(updatesOf(log, taskId).map((e) => e.status)).toEqual([503, 200]);
      const d = await send("GET", `/v1/deliveries/${deliveryId}`, { apiKey: env.TEST_API_KEY });
      expect(d.body).toMatchObject({ status: "delivered", attempts: 2 });
    }
  });

  it("keeps a delivery leased to the accepting request while it forwards: a cron elsewhere skips it", async () => {
    const { taskId, callbackPath } = await newWait();
    await emulator.addFault({ path: `/workflows/tasks/${taskId}/update`, latencyMs: 400, times: 1 });
    const res = await send("POST", callbackPath, { body: {} });
    expect(res.status).toBe(202);
    // While CDF is slow to answer the immediate forward, another isolate's cron finds nothing to take.
    await cronPass({ ...env });
    await res.settled;
    const log = await emulator.requests();
    expect(updatesOf(log, taskId).map((e) => e.status)).toEqual([200]);
  });

  it("builds the gateway once per isolate, not per request", async () => {
    const first = gatewayFor(env);
    await send("GET", "/healthz");
    await send("GET", "/readyz");
    expect(gatewayFor(env)).toBe(first);
    expect(first.ok).toBe(true);
  });

  it("answers health and readiness from D1", async () => {
    const health = await send("GET", "/healthz");
    expect(health.status).toBe(200);
    const ready = await send("GET", "/readyz");
    expect(ready).toMatchObject({ status: 200, body: { status: "ready" } });
  });
});
