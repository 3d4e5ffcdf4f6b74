import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../src/config/load-file.js";
import { startGateway } from "../src/node.js";
import { captureLogger } from "./support/capture-logger.js";
import { isUpdate } from "./support/cdf.js";
import { eventually } from "./support/eventually.js";
import { OwnPostgres } from "./support/own-postgres.js";
import { Resources } from "./support/resources.js";
import { TaskgateApi } from "./support/taskgate-api.js";

/**
 * PostgreSQL going away under a running gateway: connections terminated, the server restarted,
 * the server down at start-up. The test runs its own cluster (never the shared server) so it can
 * do all of that. A crash of the gateway would take the test process with it.
 */
const available = OwnPostgres.binaries() !== undefined;

describe.skipIf(!available)("when PostgreSQL fails under the gateway", () => {
  const resources = new Resources();
  let pgServer: OwnPostgres;
  beforeAll(async () => {
    pgServer = await OwnPostgres.start();
    resources.defer(() => pgServer.destroy());
  }, 60_000);
  afterAll(() => resources.cleanup());

  it("starts while PostgreSQL is down: live, not ready, refusing with 503; ready once it answers", async () => {
    pgServer.stopServer();
    const cdf = await resources.cdf();
    const file = resources.config({
      cdfUrl: cdf.url,
      project: cdf.project,
      storage: { kind: "postgres", url: pgServer.url, poolSize: 4 },
    });
    const loaded = loadConfigFile(file.path, { ...file.env });
    if (!loaded.ok) throw new Error("config rejected");
    const port = await freePort();
    const logger = captureLogger();
    const starting = startGateway({ config: loaded.config, port, derivePublicUrl: true, logger });
    const api = new TaskgateApi(`http://127.0.0.1:${port}`, file.apiKey);

    const live = await eventually(() => api.request("GET", "/healthz", undefined, false), {
      what: "a live gateway",
    });
    expect(live.status).toBe(200);
    const ready = await api.request("GET", "/readyz", undefined, false);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("2");
    expect(ready.body).toMatchObject({ error: { code: "store_unavailable" } });
    expect((await api.request("POST", "/v1/waits", { taskId: "t" })).status).toBe(503);
    await eventually(
      () => expect(logger.entries.filter((e) => e.msg.includes("trying again")).length).toBeGreaterThan(1),
      {
        what: "start-up retries logged",
      },
    );

    await pgServer.startServer();
    const gateway = await starting;
    resources.defer(() => gateway.close(5_000));
    expect((await api.request("GET", "/readyz", undefined, false)).status).toBe(200);
    await gateway.close(5_000);
  }, 60_000);

  it("under load with every connection terminated every 700 ms and one restart: no crash, nothing lost or doubled", async () => {
    const cdf = await resources.cdf();
    const file = resources.config({
      cdfUrl: cdf.url,
      project: cdf.project,
      storage: { kind: "postgres", url: pgServer.url, poolSize: 4 },
      forwarder: { lease: "5s", pollInterval: "200ms" },
    });
    const { api } = await resources.inProcessGateway(file);
    const tasks = await Promise.all(Array.from({ length: 150 }, () => cdf.newTask()));
    const waits = [];
    for (const t of tasks) waits.push(await api.createWait({ taskId: t.taskId }));

    let terminated = 0;
    let stopKilling = false;
    const killer = (async () => {
      while (!stopKilling) {
        await new Promise((r) => setTimeout(r, 700));
        terminated += await pgServer.terminateAll().catch(() => 0);
      }
    })();
    const restart = (async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      pgServer.stopServer();
      await new Promise((r) => setTimeout(r, 1_000));
      await pgServer.startServer();
    })();

    const statuses = new Map<number, number>();
    const acknowledged = new Map<string, string>(); // taskId → deliveryId
    let missingRetryAfter = 0;
    const pending = waits.map((w, i) => ({ w, taskId: tasks[i]!.taskId }));
    const started = Date.now();
    // Like a sender: retry what was refused (503) until it is acknowledged.
    while (pending.length > 0 && Date.now() - started < 30_000) {
      const round = pending.splice(0, pending.length);
      await Promise.all(
        round.map(async (p, i) => {
          await new Promise((r) => setTimeout(r, (i % 25) * 10));
          const res = await api.callback(p.w.callbackUrl, { output: { n: i } });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 202) acknowledged.set(p.taskId, res.body.deliveryId);
          else {
            if (res.status === 503 && !res.headers.get("retry-after")) missingRetryAfter++;
            pending.push(p);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    await restart;
    stopKilling = true;
    await killer;

    const log = await eventually(
      async () => {
        const all = (await cdf.requests()).filter((e) => isUpdate(e) && e.status === 200);
        expect(all.length).toBeGreaterThanOrEqual(acknowledged.size);
        return all;
      },
      { what: "every acknowledged callback delivered", timeoutMs: 30_000 },
    );
    const perTask = new Map<string, number>();
    for (const e of log) {
      const taskId = e.path.split("/").at(-2)!;
      perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
    }
    const lost = [...acknowledged.keys()].filter((t) => !perTask.has(t)).length;
    const doubled = [...perTask.values()].filter((n) => n > 1).length;
    console.info("postgres faults:", {
      acknowledged: acknowledged.size,
      delivered: perTask.size,
      lost,
      doubled,
      statuses: Object.fromEntries(statuses),
      terminated,
    });
    expect(acknowledged.size).toBe(tasks.length);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect([...statuses.keys()].every((s) => s === 202 || s === 503)).toBe(true);
    expect(missingRetryAfter).toBe(0);
  }, 90_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
