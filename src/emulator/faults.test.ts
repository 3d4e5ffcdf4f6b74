import type { Context } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { TestClock } from "../../test/support/test-clock.js";
import { CDF_MESSAGES, EmulatorConnectionDropped } from "./cdf-errors.js";
import { createEmulator, type Emulator } from "./emulator.js";

const API = "/api/v1/projects/emulator";

describe("fault injection", () => {
  let clock: TestClock;
  let emulator: Emulator;
  let dropped: Context[];
  let token: string;
  let taskId: string;

  beforeEach(async () => {
    clock = new TestClock();
    dropped = [];
    emulator = createEmulator({ clock, dropConnection: (c) => dropped.push(c) });
    const res = await emulator.app.request("/oauth2/token", {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "taskgate-local",
        client_secret: "local-secret",
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    taskId = emulator.createExecution().executedTasks[0]!.id;
  });

  const update = (status = "COMPLETED") =>
    emulator.app.request(`${API}/workflows/tasks/${taskId}/update`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ status }),
    });
  const addFault = async (spec: Record<string, unknown>) => {
    const res = await emulator.app.request("/_emulator/faults", {
      method: "POST",
      body: JSON.stringify(spec),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };

  it("answers a status with CDF's envelope and Retry-After, once by default", async () => {
    const id = await addFault({ path: "/workflows/tasks/", status: 429, retryAfter: 7 });
    const limited = await update();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.get("x-request-id")).toBeTruthy();
    expect(await limited.json()).toEqual({ error: { code: 429, message: CDF_MESSAGES.tooManyRequests } });
    // The task was not touched, and the fault is used up.
    expect(emulator.getTask(taskId)!.status).toBe("IN_PROGRESS");
    expect((await update()).status).toBe(200);
    const updates = emulator.requests.filter((r) => r.path.endsWith("/update"));
    expect(updates.map((r) => [r.status, r.fault])).toEqual([
      [429, id],
      [200, undefined],
    ]);
  });

  it("uses CDF-like messages and accepts an HTTP-date Retry-After", async () => {
    await addFault({ status: 503, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT" });
    const res = await update();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(await res.json()).toEqual({ error: { code: 503, message: "Service Unavailable" } });
  });

  it("applies `times` uses, and forever with times: 0", async () => {
    await addFault({ status: 502, times: 2 });
    expect((await update()).status).toBe(502);
    expect((await update()).status).toBe(502);
    expect((await update()).status).toBe(200);

    emulator.faults.add({ status: 504, times: 0 });
    for (let i = 0; i < 5; i++) expect((await update()).status).toBe(504);
    expect(emulator.faults.list()[0]).toMatchObject({ hits: 5, remaining: null });
    expect((await emulator.app.request("/_emulator/faults", { method: "DELETE" })).status).toBe(200);
    expect(emulator.faults.list()).toEqual([]);
  });

  it("matches method and path, first created first", async () => {
    await addFault({ method: "GET", status: 500 });
    await addFault({ path: "/workflows/executions/", status: 503 });
    await addFault({ path: "/workflows/tasks/", status: 502 });
    await addFault({ path: "/workflows/tasks/", status: 504 });
    expect((await update()).status).toBe(502);
    expect((await update()).status).toBe(504);
    expect((await update()).status).toBe(200);
    expect(emulator.faults.list().map((f) => f.status)).toEqual([500, 503]);
  });

  it("applies to the token endpoint by its path", async () => {
    await addFault({ path: "/oauth2/token", status: 503 });
    const res = await emulator.app.request("/oauth2/token", { method: "POST", body: "" });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 503, message: "Service Unavailable" } });
  });

  it("never applies to admin endpoints", async () => {
    await addFault({ status: 500, times: 0 });
    expect((await emulator.app.request("/_emulator/requests")).status).toBe(200);
    expect((await emulator.app.request("/.well-known/jwks.json")).status).toBe(200);
  });

  it("delays by latencyMs on the emulator's clock, then proceeds or fails", async () => {
    await addFault({ latencyMs: 1500 });
    expect((await update("FAILED")).status).toBe(200);
    expect(clock.sleeps).toEqual([1500]);
    await addFault({ latencyMs: 250, status: 503 });
    expect((await update()).status).toBe(503);
    expect(clock.sleeps).toEqual([1500, 250]);
  });

  it("drops: calls dropConnection and rejects like a network failure", async () => {
    const id = await addFault({ path: "/workflows/tasks/", drop: true });
    await expect(update()).rejects.toBeInstanceOf(EmulatorConnectionDropped);
    expect(dropped).toHaveLength(1);
    expect(emulator.getTask(taskId)!.status).toBe("IN_PROGRESS");
    expect(emulator.requests.at(-1)).toMatchObject({ status: 0, fault: id });
    expect((await update()).status).toBe(200);
  });

  it("refuses a fault that does nothing or is malformed, with the CDF envelope", async () => {
    for (const spec of [{}, { status: 200 }, { times: -1, status: 500 }, { latencyMs: "slow" }]) {
      const res = await emulator.app.request("/_emulator/faults", {
        method: "POST",
        body: JSON.stringify(spec),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(400);
    }
  });
});
