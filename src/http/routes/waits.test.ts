import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import type { Emulator } from "../../emulator/emulator.js";

const auth = { authorization: `Bearer ${TEST_API_KEY}` };
const jsonHeaders = { ...auth, "content-type": "application/json" };

describe("/v1/waits", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    const e = emulatedCdf(clock);
    emulator = e.emulator;
    t = testApp({ store, cdf: e.cdf, clock });
  });
  afterEach(() => store.close());

  const post = (body: unknown, headers: Record<string, string> = jsonHeaders) =>
    t.app.request("/v1/waits", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const taskId = () => emulator.createExecution().executedTasks[0]!.id;

  it("registers a wait for a task id and hands out a callback URL", async () => {
    const id = taskId();
    const res = await post({ taskId: id, ttl: "2h", output: { ticket: 7 }, metadata: { by: "fn" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = await json(res);
    expect(body).toMatchObject({
      taskId: id,
      status: "open",
      output: { ticket: 7 },
      metadata: { by: "fn" },
      expiresAt: t.clock.now() + 2 * 3_600_000,
    });
    expect(body.callbackUrl).toMatch(/^https:\/\/taskgate\.test\/v1\/callbacks\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const read = await t.app.request(`/v1/waits/${body.id}`, { headers: auth });
    expect(await json(read)).toMatchObject({ id: body.id, status: "open" });
  });

  it("resolves executionId + taskExternalId through CDF, picking the IN_PROGRESS entry after a retry", async () => {
    const exec = emulator.createExecution({ tasks: [{ externalId: "approve", retries: 2 }] });
    const first = exec.executedTasks[0]!.id;
    emulator.updateTask(first, { status: "FAILED" }); // CDF retries it under a new id
    const retried = emulator.getExecution(exec.id)!.executedTasks.find((x) => x.status === "IN_PROGRESS")!;
    expect(retried.id).not.toBe(first);
    const res = await post({ executionId: exec.id, taskExternalId: "approve" });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      taskId: retried.id,
      executionId: exec.id,
      taskExternalId: "approve",
    });
  });

  it("answers 404 task_not_found for an unknown execution or task, and stores nothing", async () => {
    const exec = emulator.createExecution();
    for (const body of [
      { executionId: crypto.randomUUID(), taskExternalId: "x" },
      { executionId: exec.id, taskExternalId: "no-such-task" },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe("task_not_found");
    }
    expect((await store.listWaits({ limit: 10 })).items).toEqual([]);
  });

  it("answers 503 cdf_unavailable when CDF cannot be read", async () => {
    emulator.faults.add({ path: "/workflows/executions/", status: 503, times: 0 });
    const res = await post({ executionId: crypto.randomUUID(), taskExternalId: "x" });
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe("cdf_unavailable");
  });

  it("refuses a second open wait for the same source and correlation key with 409", async () => {
    expect((await post({ taskId: taskId(), source: "github", correlationKey: "run-1" })).status).toBe(201);
    const res = await post({ taskId: taskId(), source: "github", correlationKey: "run-1" });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe("wait_conflict");
  });

  it.each([
    ["no task at all", {}, "taskId"],
    ["a task id of the wrong length", { taskId: "abc" }, "taskId"],
    ["a source without a correlation key", { taskId: "x".repeat(36), source: "s" }, "correlationKey"],
    ["both expiresAt and ttl", { taskId: "x".repeat(36), ttl: "1h", expiresAt: 1 }, "ttl"],
    ["a bad ttl", { taskId: "x".repeat(36), ttl: "soon" }, "ttl"],
    ["an unknown field", { taskId: "x".repeat(36), colour: "red" }, "(body)"],
    ["output that is not an object", { taskId: "x".repeat(36), output: [1] }, "output"],
    ["a null in the output template", { taskId: "x".repeat(36), output: { a: { b: null } } }, "output.a.b"],
  ])("answers 400 invalid_request for %s, naming the path", async (_, body, path) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe("invalid_request");
    expect(error.details.problems.map((p: { path: string }) => p.path)).toContain(path);
    expect((await store.listWaits({ limit: 10 })).items).toEqual([]);
  });

  it("refuses an expiry in the past or beyond waits.maxTtl", async () => {
    for (const body of [
      { taskId: taskId(), expiresAt: t.clock.now() },
      { taskId: taskId(), ttl: "8d" },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe("invalid_request");
    }
  });

  it("answers malformed JSON with 400 malformed_body and a wrong content type with 415", async () => {
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe("malformed_body");
    const form = await post("taskId=x", { ...auth, "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect((await json(form)).error.code).toBe("unsupported_media_type");
  });

  it("refuses an oversized body with 413 before parsing it", async () => {
    const res = await post({ taskId: taskId(), output: { blob: "x".repeat(300 * 1024) } });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("payload_too_large");
  });

  it("requires a valid API key, and never echoes it", async () => {
    for (const headers of [
      {},
      { authorization: "Bearer wrong-key" },
      { authorization: "Basic abc" },
    ] as Record<string, string>[]) {
      const res = await t.app.request("/v1/waits", { headers });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe("unauthorized");
      expect(text).not.toContain("wrong-key");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("lists with filters and a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post({ taskId: taskId(), source: i < 3 ? "a" : "b", correlationKey: `k${i}` });
      ids.push((await json(res)).id);
      t.clock.advance(1);
    }
    const first = await json(await t.app.request("/v1/waits?limit=2", { headers: auth }));
    expect(first.items.map((w: { id: string }) => w.id)).toEqual([ids[4], ids[3]]);
    const rest = await json(
      await t.app.request(`/v1/waits?limit=10&cursor=${first.nextCursor}`, { headers: auth }),
    );
    expect(rest.items.map((w: { id: string }) => w.id)).toEqual([ids[2], ids[1], ids[0]]);
    const onlyA = await json(await t.app.request("/v1/waits?source=a&status=open", { headers: auth }));
    expect(onlyA.items).toHaveLength(3);
    const bad = await t.app.request("/v1/waits?limit=0", { headers: auth });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe("invalid_request");
  });

  it("cancels an open wait (idempotently), refuses to cancel a completed one, 404 for unknown ids", async () => {
    const { id } = await json(await post({ taskId: taskId() }));
    const del = await t.app.request(`/v1/waits/${id}`, { method: "DELETE", headers: auth });
    expect(del.status).toBe(200);
    expect((await json(del)).status).toBe("cancelled");
    const again = await t.app.request(`/v1/waits/${id}`, { method: "DELETE", headers: auth });
    expect(again.status).toBe(200);
    const done = await json(await post({ taskId: taskId() }));
    const callback = new URL(done.callbackUrl).pathname;
    expect((await t.app.request(callback, { method: "POST" })).status).toBe(202);
    const late = await t.app.request(`/v1/waits/${done.id}`, { method: "DELETE", headers: auth });
    expect(late.status).toBe(409);
    expect((await json(late)).error).toMatchObject({ code: "wait_closed", details: { status: "closed" } });
    const unknown = await t.app.request("/v1/waits/nope", { headers: auth });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("wait_not_found");
  });
});
