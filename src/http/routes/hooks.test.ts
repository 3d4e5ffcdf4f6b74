import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { sha256Hex } from "../../core/canonical-json.js";
import { signStandardWebhooks } from "../../core/signatures/standard-webhooks.js";
import type { Emulator } from "../../emulator/emulator.js";
import type { CdfClient } from "../../ports/cdf-client.js";
import { compileSources } from "../../services/sources.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const auth = { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" };

/** A LIMS that sends Standard Webhooks: sample results, success and failure in one source. */
const sources = compileSources({
  lims: {
    verify: { scheme: "standard-webhooks", secrets: [SECRET], tolerance: 300_000 },
    correlationKey: "data.sampleId",
    status:
      "type = 'sample.approved' ? 'COMPLETED' : type = 'sample.rejected' ? 'FAILED_WITH_TERMINAL_ERROR' : null",
    output: "{ 'sampleId': data.sampleId, 'result': data.result }",
    parkUnmatchedFor: 3_600_000,
  },
});

describe("POST /hooks/:source", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let cdf: CdfClient;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    ({ emulator, cdf } = emulatedCdf(clock));
    t = testApp({ store, cdf, clock, overrides: { sources, sha256: sha256Hex } });
  });
  afterEach(() => store.close());

  let seq = 0;
  async function send(
    payload: unknown,
    over: { id?: string; secret?: string; ts?: number; body?: string } = {},
  ) {
    const body = over.body ?? JSON.stringify(payload);
    const id = over.id ?? `msg_${++seq}`;
    const ts = over.ts ?? Math.floor(t.clock.now() / 1000);
    const signature = await signStandardWebhooks(
      over.secret ?? SECRET,
      id,
      ts,
      new TextEncoder().encode(body),
    );
    return t.app.request("/hooks/lims", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": signature,
      },
      body,
    });
  }
  const sample = (sampleId: string, type = "sample.approved") => ({ type, data: { sampleId, result: 42 } });
  async function openWait(sampleId: string) {
    const taskId = emulator.createExecution().executedTasks[0]!.id;
    const res = await t.app.request("/v1/waits", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ taskId, source: "lims", correlationKey: sampleId, output: { lab: "north" } }),
    });
    expect(res.status).toBe(201);
    return { taskId, wait: await json(res) };
  }
  const forward = () => forwardOnce(t.deps);

  it("queues a webhook that matches an open wait, and the task completes with the mapped output", async () => {
    const { taskId, wait } = await openWait("S-1");
    const res = await send(sample("S-1"));
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body.outcome).toBe("queued");
    expect(await forward()).toBe(1);
    expect(emulator.getTask(taskId)).toMatchObject({
      status: "COMPLETED",
      output: { lab: "north", sampleId: "S-1", result: 42, taskgate: { source: "lims", waitId: wait.id } },
    });
  });

  it("maps a failure event to FAILED_WITH_TERMINAL_ERROR", async () => {
    const { taskId } = await openWait("S-2");
    expect((await json(await send(sample("S-2", "sample.rejected")))).outcome).toBe("queued");
    await forward();
    expect(emulator.getTask(taskId)?.status).toBe("FAILED_WITH_TERMINAL_ERROR");
  });

  it("parks a webhook that arrives before its wait and releases it when the wait is registered", async () => {
    const parked = await json(await send(sample("S-3")));
    expect(parked.outcome).toBe("parked");
    // It says why, and until when (parkUnmatchedFor: 1 h).
    const until = new Date(t.clock.now() + 3_600_000).toISOString();
    expect(parked.detail).toBe(
      `no open wait for source "lims" and correlation key "S-3": parked until ${until}; the first wait registered for that key before then takes it`,
    );
    expect((await store.getDelivery(parked.deliveryId))?.status).toBe("parked");
    const { taskId, wait } = await openWait("S-3");
    expect(wait.status).toBe("closed");
    expect(wait.deliveryId).toBe(parked.deliveryId);
    // The new wait says it was closed at once, and by what.
    expect(wait.detail).toBe(
      `a webhook parked earlier for source "lims" and correlation key "S-3" (delivery ${parked.deliveryId}) was handed to this wait at once, so it is already closed and that webhook's result goes to CDF`,
    );
    expect((await openWait("S-3b")).wait.detail).toBeUndefined();
    await forward();
    expect(emulator.getTask(taskId)).toMatchObject({
      status: "COMPLETED",
      output: { lab: "north", sampleId: "S-3" },
    });
  });

  it("expires a parked webhook after parkUnmatchedFor; a later wait then stays open", async () => {
    const parked = await json(await send(sample("S-4")));
    t.clock.advance(3_600_000);
    await forward();
    expect((await store.getDelivery(parked.deliveryId))?.status).toBe("expired");
    expect((await openWait("S-4")).wait.status).toBe("open");
  });

  it("ignores events the mapping says are not for us (2xx), and forwards nothing", async () => {
    await openWait("S-5");
    const res = await send(sample("S-5", "sample.received"));
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body.outcome).toBe("ignored");
    // The answer says why, so a sender (or `taskgate send`) sees it was not for this source.
    expect(body.detail).toBe(
      "nothing goes to CDF: the source's status expression gave null for this payload (not for this source)",
    );
    expect((await store.getDelivery(body.deliveryId))?.status).toBe("ignored");
    expect(await forward()).toBe(0);
    const listed = await json(
      await t.app.request("/v1/deliveries?source=lims&status=ignored", {
        headers: { authorization: auth.authorization },
      }),
    );
    expect(listed.items.map((d: { id: string }) => d.id)).toEqual([body.deliveryId]);
  });

  it("answers a provider's retry (same webhook-id) as a duplicate, storing and sending nothing more", async () => {
    const { taskId } = await openWait("S-6");
    const first = await json(await send(sample("S-6"), { id: "msg_fixed" }));
    const again = await send(sample("S-6"), { id: "msg_fixed" });
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({
      outcome: "duplicate",
      deliveryId: first.deliveryId,
      detail: expect.stringMatching(`^same message id as delivery ${first.deliveryId} \\(received .*, now `),
    });
    await forward();
    expect(emulator.requests.filter((r) => r.path.endsWith("/update"))).toHaveLength(1);
    expect(emulator.getTask(taskId)?.status).toBe("COMPLETED");
  });

  it("property: a signed request with any one byte of its body or headers changed never passes and never answers 5xx", async () => {
    const body = JSON.stringify(sample("S-P"));
    const id = "msg_property";
    const ts = Math.floor(t.clock.now() / 1000);
    const signature = await signStandardWebhooks(SECRET, id, ts, new TextEncoder().encode(body));
    const parts = { body, "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature };
    type Part = keyof typeof parts;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Part>("body", "webhook-id", "webhook-timestamp", "webhook-signature"),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (part, at, delta) => {
          const original = parts[part];
          const i = at % original.length;
          // Header values stay printable ASCII (anything else never reaches a server); bodies take any byte.
          const code = original.charCodeAt(i);
          const next = part === "body" ? (code + delta) % 256 : 32 + ((code - 32 + (delta % 94) + 1) % 95);
          const changed = original.slice(0, i) + String.fromCharCode(next) + original.slice(i + 1);
          const m = { ...parts, [part]: changed };
          const res = await t.app.request("/hooks/lims", {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "webhook-id": m["webhook-id"],
              "webhook-timestamp": m["webhook-timestamp"],
              "webhook-signature": m["webhook-signature"],
            },
            body: m.body,
          });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect((await store.listDeliveries({ limit: 10 })).items).toEqual([]);
  });

  describe("refusals change nothing", () => {
    const nothingStored = async () => expect((await store.listDeliveries({ limit: 10 })).items).toEqual([]);

    it("401 signature_invalid for a wrong secret or a tampered body", async () => {
      const wrong = await send(sample("S-7"), { secret: "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB" });
      expect(wrong.status).toBe(401);
      expect((await json(wrong)).error.code).toBe("signature_invalid");
      await nothingStored();
    });

    it("401 timestamp_out_of_tolerance just past 300 s", async () => {
      const res = await send(sample("S-8"), { ts: Math.floor(t.clock.now() / 1000) - 301 });
      expect(res.status).toBe(401);
      expect((await json(res)).error.code).toBe("timestamp_out_of_tolerance");
      await nothingStored();
    });

    it("400 malformed_body for a correctly signed body that is not JSON", async () => {
      const res = await send(undefined, { body: "{not json" });
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe("malformed_body");
      await nothingStored();
    });

    it("404 unknown_source, and 413 before a large body is read", async () => {
      const unknown = await t.app.request("/hooks/nope", { method: "POST", body: "{}" });
      expect(unknown.status).toBe(404);
      expect((await json(unknown)).error.code).toBe("unknown_source");
      const big = await send({ blob: "x".repeat(300 * 1024) });
      expect(big.status).toBe(413);
      await nothingStored();
    });
  });
});
