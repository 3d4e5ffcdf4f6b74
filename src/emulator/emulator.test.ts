import { Hono } from "hono";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import { TestClock } from "../../test/support/test-clock.js";
import { createEmulator } from "./emulator.js";
import type { RequestLogEntry } from "./request-log.js";
import type { WorkflowExecutionDetail } from "./workflow-types.js";

const CLIENT = {
  grant_type: "client_credentials",
  client_id: "taskgate-local",
  client_secret: "local-secret",
};

async function tokenOf(fetcher: { request: Hono["request"] }, prefix = ""): Promise<string> {
  const res = await fetcher.request(`${prefix}/oauth2/token`, {
    method: "POST",
    body: new URLSearchParams(CLIENT),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe("createEmulator", () => {
  it("uses no randomness or key generation at construction (Workers forbid it in global scope)", () => {
    const spies = [
      vi.spyOn(crypto, "randomUUID"),
      vi.spyOn(crypto, "getRandomValues"),
      vi.spyOn(crypto.subtle, "generateKey"),
    ];
    try {
      createEmulator();
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("puts a unique x-request-id on every response: API, errors, IdP, admin, unknown routes", async () => {
    const emulator = createEmulator({ clock: new TestClock() });
    const token = await tokenOf(emulator.app);
    const auth = { authorization: `Bearer ${token}` };
    emulator.faults.add({ path: "/sessions", status: 503 });
    const responses = await Promise.all([
      emulator.app.request("/oauth2/token", { method: "POST", body: new URLSearchParams(CLIENT) }),
      emulator.app.request("/oauth2/token", { method: "POST", body: "grant_type=password" }),
      emulator.app.request("/.well-known/jwks.json"),
      emulator.app.request("/.well-known/openid-configuration"),
      emulator.app.request("/api/v1/projects/emulator/workflows/executions/list", {
        method: "POST",
        headers: auth,
      }),
      emulator.app.request("/api/v1/projects/emulator/workflows/executions/list", { method: "POST" }),
      emulator.app.request("/api/v1/projects/emulator/sessions", { method: "POST", headers: auth }),
      emulator.app.request("/api/v1/projects/emulator/nothing-here", { headers: auth }),
      emulator.app.request("/_emulator/requests"),
      emulator.app.request("/_emulator/faults", { method: "POST", body: "{" }),
      emulator.app.request("/nowhere"),
    ]);
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(responses.map((r) => r.status)).toEqual([200, 400, 200, 200, 200, 401, 503, 404, 200, 400, 404]);
    const notFound = responses[10]!;
    expect(await notFound.json()).toEqual({ error: { code: 404, message: "No route for GET /nowhere." } });
  });

  it("logs CDF API and token calls with parsed bodies, status, request id and fault", async () => {
    const clock = new TestClock(1_000);
    const emulator = createEmulator({ clock });
    const token = await tokenOf(emulator.app);
    const taskId = emulator.createExecution().executedTasks[0]!.id;
    const fault = emulator.faults.add({ path: "/workflows/tasks/", status: 429 });
    clock.advance(5);
    const path = `/api/v1/projects/emulator/workflows/tasks/${taskId}/update`;
    const send = () =>
      emulator.app.request(path, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ status: "COMPLETED", output: { n: 1 } }),
      });
    const limited = await send();
    const ok = await send();
    await emulator.app.request("/_emulator/executions", { method: "POST" }); // admin: not logged

    const res = await emulator.app.request("/_emulator/requests");
    const log = (await res.json()) as RequestLogEntry[];
    expect(log).toEqual(emulator.requests);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log[0]).toMatchObject({ path: "/oauth2/token", status: 200, time: 1_000 });
    expect(log[1]).toEqual({
      seq: 2,
      time: 1_005,
      method: "POST",
      path,
      status: 429,
      requestId: limited.headers.get("x-request-id"),
      body: { status: "COMPLETED", output: { n: 1 } },
      fault: fault.id,
    });
    expect(log[2]).toMatchObject({ status: 200, requestId: ok.headers.get("x-request-id") });
    expect(log[2]).not.toHaveProperty("fault");

    const kept = emulator.requests;
    await emulator.app.request("/_emulator/requests", { method: "DELETE" });
    expect(kept).toHaveLength(0);
    expect(emulator.requests).toBe(kept);
  });

  it("answers 429 past the project's concurrent requests, as CDF does, and counts only API calls", async () => {
    // A clock whose sleeps end when the test says: latency faults hold requests in flight.
    const held: (() => void)[] = [];
    const clock = new TestClock();
    clock.sleep = () => new Promise<void>((resolve) => held.push(resolve));
    const emulator = createEmulator({ clock, maxConcurrentRequests: 2 });
    const token = await tokenOf(emulator.app);
    const taskIds = [0, 1, 2, 3].map(() => emulator.createExecution().executedTasks[0]!.id);
    emulator.faults.add({ path: "/workflows/tasks/", latencyMs: 10, times: 2 });
    const update = (taskId: string) =>
      emulator.app.request(`/api/v1/projects/emulator/workflows/tasks/${taskId}/update`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ status: "COMPLETED" }),
      });
    const first = update(taskIds[0]!);
    const second = update(taskIds[1]!);
    await vi.waitFor(() => expect(held).toHaveLength(2));
    const third = await update(taskIds[2]!);
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({
      error: {
        code: 429,
        message: "Project exceeded maximum number='2' of concurrent requests. Please try again later.",
      },
    });
    expect(emulator.getTask(taskIds[2]!)?.status).toBe("IN_PROGRESS");
    // Token requests are the identity provider's, not the project's.
    expect(
      (await emulator.app.request("/oauth2/token", { method: "POST", body: new URLSearchParams(CLIENT) }))
        .status,
    ).toBe(200);
    for (const release of held) release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // The slots are free again; the limit can be changed (0: none) and is restored by a reset.
    expect((await update(taskIds[2]!)).status).toBe(200);
    const changed = await emulator.app.request("/_emulator/config", {
      method: "POST",
      body: JSON.stringify({ maxConcurrentRequests: 0 }),
    });
    expect(await changed.json()).toMatchObject({ maxConcurrentRequests: 0 });
    await emulator.app.request("/_emulator/reset", { method: "POST" });
    expect(emulator.config.maxConcurrentRequests).toBe(2);
    expect(createEmulator().config.maxConcurrentRequests).toBe(50);
  });

  it("logs a body that is not JSON as text", async () => {
    const emulator = createEmulator({ clock: new TestClock() });
    await emulator.app.request("/api/v1/projects/emulator/workflows", { method: "POST", body: "oops" });
    expect(emulator.requests[0]).toMatchObject({ body: "oops", status: 401 });
  });

  it("works mounted under a prefix: issuer, token and JWKS URLs include it", async () => {
    const emulator = createEmulator({ clock: new TestClock() });
    const parent = new Hono();
    parent.get("/", (c) => c.text("taskgate"));
    parent.route("/emulator", emulator.app);

    const config = (await (
      await parent.request("http://host.test:8080/emulator/.well-known/openid-configuration")
    ).json()) as Record<string, string>;
    expect(config).toMatchObject({
      issuer: "http://host.test:8080/emulator",
      token_endpoint: "http://host.test:8080/emulator/oauth2/token",
      jwks_uri: "http://host.test:8080/emulator/.well-known/jwks.json",
    });

    const token = await tokenOf(parent, "http://host.test:8080/emulator");
    const jwks = (await (await parent.request("/emulator/.well-known/jwks.json")).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: "http://host.test:8080/emulator",
      currentDate: new Date(new TestClock().now()),
    });
    expect(payload.sub).toBe("taskgate-local");

    const created = await parent.request("/emulator/_emulator/executions", { method: "POST" });
    const execution = (await created.json()) as WorkflowExecutionDetail;
    const task = execution.executedTasks[0]!;
    const update = await parent.request(
      `/emulator/api/v1/projects/emulator/workflows/tasks/${task.id}/update`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ status: "COMPLETED" }),
      },
    );
    expect(update.status).toBe(200);
    expect(update.headers.get("x-request-id")).toBeTruthy();
    expect(emulator.requests.map((r) => r.path)).toEqual([
      "/oauth2/token",
      `/api/v1/projects/emulator/workflows/tasks/${task.id}/update`,
    ]);

    const missing = await parent.request("/emulator/nope");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toBeTruthy();
    expect(await (await parent.request("/")).text()).toBe("taskgate");
  });

  it("offers an admin shortcut that runs a default async task without a session", async () => {
    const emulator = createEmulator({ clock: new TestClock() });
    const res = await emulator.app.request("/_emulator/executions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: { x: 1 } }),
    });
    expect(res.status).toBe(200);
    const execution = (await res.json()) as WorkflowExecutionDetail;
    expect(execution).toMatchObject({
      workflowExternalId: "emulator-workflow",
      version: "1",
      status: "RUNNING",
    });
    expect(execution.input).toEqual({ x: 1 });
    const task = execution.executedTasks[0]!;
    expect(task).toMatchObject({ externalId: "await-callback", status: "IN_PROGRESS" });
    expect(task.input.function.data.cogniteOrchestrationTaskId).toBe(task.id);

    const read = await emulator.app.request(`/_emulator/executions/${execution.id}`);
    expect(await read.json()).toEqual(execution);
    expect(await (await emulator.app.request(`/_emulator/tasks/${task.id}`)).json()).toEqual(task);
    expect((await emulator.app.request(`/_emulator/tasks/${crypto.randomUUID()}`)).status).toBe(404);

    const bad = await emulator.app.request("/_emulator/executions", {
      method: "POST",
      body: JSON.stringify({ tasks: [{ externalId: "" }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /tasks\[0\]\.externalId/,
    );
  });

  it("resets state but keeps the log array and tokens", async () => {
    const emulator = createEmulator({ clock: new TestClock(), tokenLifetimeSeconds: 100 });
    const token = await tokenOf(emulator.app);
    const execution = emulator.createExecution();
    emulator.faults.add({ status: 500, times: 0, path: "/nothing" });
    emulator.config.tokenLifetimeSeconds = 5;
    const log = emulator.requests;
    const res = await emulator.app.request("/_emulator/reset", { method: "POST" });
    expect(res.status).toBe(200);
    expect(emulator.getExecution(execution.id)).toBeUndefined();
    expect(emulator.faults.list()).toEqual([]);
    expect(emulator.requests).toBe(log);
    expect(log).toHaveLength(0);
    expect(emulator.config.tokenLifetimeSeconds).toBe(100);
    const still = await emulator.app.request("/api/v1/projects/emulator/workflows/executions/list", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(still.status).toBe(200);
  });

  it("honours the project and client options", async () => {
    const emulator = createEmulator({
      clock: new TestClock(),
      project: "acme",
      clients: [{ clientId: "ci", clientSecret: "s3cret" }],
    });
    const res = await emulator.app.request("/oauth2/token", {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "ci",
        client_secret: "s3cret",
      }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const list = (project: string) =>
      emulator.app.request(`/api/v1/projects/${project}/workflows/executions/list`, {
        method: "POST",
        headers: { authorization: `Bearer ${access_token}` },
      });
    expect((await list("acme")).status).toBe(200);
    expect((await list("emulator")).status).toBe(403);
    // The default client is gone when clients are given.
    const defaultClient = await emulator.app.request("/oauth2/token", {
      method: "POST",
      body: new URLSearchParams(CLIENT),
    });
    expect(defaultClient.status).toBe(401);
  });
});
