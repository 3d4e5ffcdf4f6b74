import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { TokenSigner } from "../../core/signed-token.js";
import type { Emulator } from "../../emulator/emulator.js";
import type { CdfClient } from "../../ports/cdf-client.js";

const auth = { authorization: `Bearer ${TEST_API_KEY}` };

describe("POST /v1/callbacks/:token", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let cdf: CdfClient;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    ({ emulator, cdf } = emulatedCdf(clock));
    t = testApp({ store, cdf, clock });
  });
  afterEach(() => store.close());

  async function openWait(body: Record<string, unknown> = {}) {
    const exec = emulator.createExecution();
    const taskId = exec.executedTasks[0]!.id;
    const res = await t.app.request("/v1/waits", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ taskId, ttl: "1h", ...body }),
    });
    expect(res.status).toBe(201);
    const wait = await json(res);
    return { taskId, execId: exec.id, waitId: wait.id as string, path: new URL(wait.callbackUrl).pathname };
  }
  const call = (
    path: string,
    body?: unknown,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) =>
    t.app.request(path, {
      method: "POST",
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  const forward = () => forwardOnce(t.deps);
  const updatesSent = () => emulator.requests.filter((r) => r.path.endsWith("/update"));

  it("accepts once (202), stores before answering, and the forwarder completes the task in CDF", async () => {
    const w = await openWait({ output: { template: true, nested: { a: 1 } } });
    const res = await call(w.path, { output: { approvedBy: "ana", nested: { b: 2 } } });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body).toMatchObject({ outcome: "queued", waitId: w.waitId });
    expect(await store.getDelivery(body.deliveryId)).toMatchObject({ status: "pending", taskId: w.taskId });
    expect(updatesSent()).toHaveLength(0); // nothing sent before the forwarder runs

    expect(await forward()).toBe(1);
    const task = emulator.getTask(w.taskId)!;
    expect(task.status).toBe("COMPLETED");
    expect(task.output).toMatchObject({
      template: true,
      approvedBy: "ana",
      nested: { a: 1, b: 2 },
      taskgate: {
        deliveryId: body.deliveryId,
        source: "callback",
        waitId: w.waitId,
        receivedAt: t.clock.now(),
      },
    });
    expect(await store.getDelivery(body.deliveryId)).toMatchObject({ status: "delivered", attempts: 1 });
    expect((await store.getWait(w.waitId))?.status).toBe("closed");
  });

  it("treats an empty body as COMPLETED, and passes FAILED_WITH_TERMINAL_ERROR through", async () => {
    const a = await openWait();
    expect((await call(a.path, undefined, {})).status).toBe(202);
    const b = await openWait();
    expect(
      (await call(b.path, { status: "FAILED_WITH_TERMINAL_ERROR", output: { why: "declined" } })).status,
    ).toBe(202);
    await forward();
    expect(emulator.getTask(a.taskId)?.status).toBe("COMPLETED");
    expect(emulator.getTask(b.taskId)?.status).toBe("FAILED_WITH_TERMINAL_ERROR");
  });

  it("answers the same result again with 200 duplicate (even re-serialised), and sends one update", async () => {
    const w = await openWait();
    const first = await json(await call(w.path, { status: "COMPLETED", output: { a: 1, b: 2 } }));
    const again = await call(w.path, '{"output":{"b":2,"a":1},"status":"COMPLETED"}');
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({
      outcome: "duplicate",
      deliveryId: first.deliveryId,
      waitId: w.waitId,
    });
    await forward();
    expect((await call(w.path, { output: { a: 1, b: 2 } })).status).toBe(200);
    expect(updatesSent()).toHaveLength(1);
  });

  it("refuses a different result after the first with 409 wait_closed, forwarding nothing more", async () => {
    const w = await openWait();
    expect((await call(w.path, { output: { decision: "yes" } })).status).toBe(202);
    const res = await call(w.path, { status: "FAILED", output: { decision: "no" } });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({ code: "wait_closed", details: { status: "closed" } });
    expect((await store.listDeliveries({ limit: 10 })).items).toHaveLength(1);
  });

  it("refuses callbacks to cancelled and expired waits with 409, storing nothing", async () => {
    const cancelled = await openWait();
    await t.app.request(`/v1/waits/${cancelled.waitId}`, { method: "DELETE", headers: auth });
    const r1 = await call(cancelled.path, {});
    expect(r1.status).toBe(409);
    expect((await json(r1)).error.details.status).toBe("cancelled");
    const expired = await openWait({ ttl: "10m" });
    t.clock.advance(10 * 60_000);
    const r2 = await call(expired.path, {});
    expect(r2.status).toBe(409);
    expect((await json(r2)).error.details.status).toBe("expired");
    expect((await store.listDeliveries({ limit: 10 })).items).toEqual([]);
  });

  describe("tokens", () => {
    it("refuses a forged, tampered or truncated token with 401 token_invalid", async () => {
      const w = await openWait();
      const token = w.path.split("/").at(-1)!;
      const forged = await new TokenSigner([{ kid: "k1", secret: "x".repeat(40) }]).sign(
        { purpose: "callback", subject: w.waitId, expiresAt: t.clock.now() + 60_000 },
        t.clock.now(),
        "j",
      );
      const [h, p, s] = token.split(".");
      // The second-to-last character changes (the last one carries unused bits); it must differ
      // from what it was, whatever the signature drew.
      const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.at(-2) === "A" ? "B" : "A"}${s!.at(-1)}`;
      expect(flipped).not.toBe(token);
      for (const bad of [forged, flipped, `${h}.${p}`, "garbage"]) {
        const res = await call(`/v1/callbacks/${bad}`, {});
        expect(res.status).toBe(401);
        expect((await json(res)).error.code).toBe("token_invalid");
      }
      expect((await store.listDeliveries({ limit: 10 })).items).toEqual([]);
    });

    it("refuses a token minted for another purpose (an approval link)", async () => {
      const w = await openWait();
      const approvalToken = await t.deps.tokens.sign(
        { purpose: "approval", subject: w.waitId, expiresAt: t.clock.now() + 60_000 },
        t.clock.now(),
        "j",
      );
      const res = await call(`/v1/callbacks/${approvalToken}`, {});
      expect(res.status).toBe(401);
      expect((await json(res)).error.code).toBe("token_invalid");
    });

    it("refuses an expired token with 401 token_expired", async () => {
      const w = await openWait({ ttl: "1h" });
      t.clock.advance(3_600_000 + 24 * 3_600_000); // the wait's expiry plus the URL's grace period
      const res = await call(w.path, {});
      expect(res.status).toBe(401);
      expect((await json(res)).error.code).toBe("token_expired");
    });

    it("checks the token before the body, so a bad URL learns nothing about the schema", async () => {
      const res = await call("/v1/callbacks/garbage", "{not json");
      expect(res.status).toBe(401);
    });
  });

  describe("bad input with a valid token changes nothing", () => {
    it.each([
      ["malformed JSON", "{nope", { "content-type": "application/json" }, 400, "malformed_body"],
      [
        "a wrong content type",
        "status=COMPLETED",
        { "content-type": "text/plain" },
        415,
        "unsupported_media_type",
      ],
      ["an unknown status", { status: "DONE" }, undefined, 400, "invalid_request"],
      ["output that is a string", { output: "yes" }, undefined, 400, "invalid_request"],
      ["an unknown field", { state: "COMPLETED" }, undefined, 400, "invalid_request"],
      [
        "a null anywhere in the output (CDF refuses those)",
        { output: { a: [1, { b: null }] } },
        undefined,
        400,
        "invalid_request",
      ],
      [
        "a body over the limit",
        { output: { x: "y".repeat(300 * 1024) } },
        undefined,
        413,
        "payload_too_large",
      ],
      [
        "an output over CDF's 100 KB",
        { output: { x: "y".repeat(120 * 1024) } },
        undefined,
        413,
        "output_too_large",
      ],
    ])("%s → %i %s", async (_, body, headers, status, code) => {
      const w = await openWait();
      const res = await call(w.path, body, headers);
      expect(res.status).toBe(status);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe(code);
      expect(text).not.toContain(w.path.split("/").at(-1)!);
      expect((await store.getWait(w.waitId))?.status).toBe("open");
      expect((await store.listDeliveries({ limit: 10 })).items).toEqual([]);
      await forward();
      expect(updatesSent()).toEqual([]);
    });
  });
});
