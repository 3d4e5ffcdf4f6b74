import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signStandardWebhooks } from "../../src/core/signatures/standard-webhooks.js";
import worker from "../../src/worker.js";
import { emulator, send, updatesOf } from "./support.js";

let seq = 0;

/** A Standard Webhooks message from the "lims" source, through the worker's exported fetch. */
async function hook(sampleId: string, o: { type?: string; id?: string; secret?: string } = {}) {
  const body = JSON.stringify({ type: o.type ?? "sample.approved", data: { sampleId } });
  const id = o.id ?? `msg_${Date.now()}_${++seq}`;
  const ts = Math.floor(Date.now() / 1000);
  const signature = await signStandardWebhooks(
    o.secret ?? env.LIMS_WEBHOOK_SECRET,
    id,
    ts,
    new TextEncoder().encode(body),
  );
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request("https://taskgate.workers.test/hooks/lims", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": signature,
      },
      body,
    }),
    env,
    ctx,
  );
  const json = (await res.json()) as { outcome?: string; deliveryId?: string; error?: { code: string } };
  await waitOnExecutionContext(ctx);
  return { status: res.status, json };
}

async function waitFor(sampleId: string) {
  const taskId = await emulator.newTask();
  const res = await send("POST", "/v1/waits", {
    apiKey: env.TEST_API_KEY,
    body: { taskId, source: "lims", correlationKey: sampleId },
  });
  await res.settled;
  return { taskId, res };
}

describe("webhook sources inside workerd (D1, CDF emulator over HTTP)", () => {
  it("a verified webhook for an open wait completes the task under waitUntil", async () => {
    const sample = `S-${crypto.randomUUID()}`;
    const { taskId } = await waitFor(sample);
    const r = await hook(sample);
    expect(r.status).toBe(202);
    expect(r.json.outcome).toBe("queued");
    expect(await emulator.task(taskId)).toMatchObject({ status: "COMPLETED", output: { sampleId: sample } });
  });

  it("a webhook before its wait is parked, then released when the wait is registered", async () => {
    const sample = `S-${crypto.randomUUID()}`;
    expect((await hook(sample)).json.outcome).toBe("parked");
    const { taskId, res } = await waitFor(sample);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("closed");
    expect((await emulator.task(taskId)).status).toBe("COMPLETED");
  });

  it("a retry with the same webhook-id is a duplicate; a forged signature is 401 and stores nothing", async () => {
    const sample = `S-${crypto.randomUUID()}`;
    const { taskId } = await waitFor(sample);
    const id = `msg_fixed_${sample}`;
    const first = await hook(sample, { id });
    const again = await hook(sample, { id });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({
      outcome: "duplicate",
      deliveryId: first.json.deliveryId,
      detail: expect.stringContaining(`same message id as delivery ${first.json.deliveryId}`),
    });
    expect(updatesOf(await emulator.requests(), taskId)).toHaveLength(1);
    const forged = await hook(`S-${crypto.randomUUID()}`, {
      secret: "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
    });
    expect(forged.status).toBe(401);
    expect(forged.json.error?.code).toBe("signature_invalid");
  });

  it("records a refused webhook in D1 under the request's waitUntil, and lists it", async () => {
    const since = Date.now();
    const forged = await hook(`S-${crypto.randomUUID()}`, {
      secret: "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
    });
    expect(forged.status).toBe(401);
    // hook() waited for the request's waitUntil, so its batch is written.
    const listed = await send("GET", `/v1/rejections?source=lims&code=signature_invalid&since=${since}`, {
      apiKey: env.TEST_API_KEY,
    });
    expect(listed.status).toBe(200);
    const items = listed.body.items as {
      route: string;
      status: number;
      headerNames: string[];
      bodySha256: string;
    }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ route: "hook", status: 401 });
    expect(items[0]!.headerNames).toContain("webhook-signature");
    expect(items[0]!.bodySha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
