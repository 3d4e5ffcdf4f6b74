import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import type { Emulator } from "../../emulator/emulator.js";
import type { CdfClient } from "../../ports/cdf-client.js";

const headers = { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" };
const approvalBody = { title: "Ship it", approvers: [{ email: "ada@example.com" }], notify: false };

/** POST /v1/waits and /v1/approvals refuse work that could only end in a dead letter. */
describe("no silent dead letters", () => {
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

  const create = (kind: "waits" | "approvals", body: Record<string, unknown>) =>
    t.app.request(`/v1/${kind}`, {
      method: "POST",
      headers,
      body: JSON.stringify(kind === "approvals" ? { ...approvalBody, ...body } : body),
    });
  const stored = async () =>
    (await store.listWaits({ limit: 10 })).items.length +
    (await store.approvals.listApprovals({ limit: 10 })).items.length;

  describe.each(["waits", "approvals"] as const)("POST /v1/%s", (kind) => {
    it("refuses a task CDF reports finished (409 task_not_in_progress naming the status), storing nothing", async () => {
      const exec = emulator.createExecution();
      const task = exec.executedTasks[0]!;
      emulator.updateTask(task.id, { status: "COMPLETED" });
      for (const body of [
        { executionId: exec.id, taskExternalId: task.externalId },
        { executionId: exec.id, taskId: task.id },
      ]) {
        const res = await create(kind, body);
        expect(res.status).toBe(409);
        const { error } = await json(res);
        expect(error.code).toBe("task_not_in_progress");
        expect(error.message).toContain("COMPLETED");
        expect(error.details).toMatchObject({ taskId: task.id, status: "COMPLETED" });
      }
      expect(await stored()).toBe(0);
    });

    it("refuses an IN_PROGRESS task that is not async-complete (CDF would refuse its update)", async () => {
      // The emulator completes synchronous tasks at once, so CDF's answer is stubbed here.
      const executionId = crypto.randomUUID();
      const taskId = crypto.randomUUID();
      const cdf: CdfClient = {
        updateTask: () => Promise.reject(new Error("not called")),
        retrieveExecution: async () => ({
          attempts: 1,
          value: {
            id: executionId,
            workflowExternalId: "wf",
            status: "RUNNING",
            executedTasks: [{ id: taskId, externalId: "sync", status: "IN_PROGRESS", asyncComplete: false }],
          },
        }),
      };
      t = testApp({ store, cdf, clock: new TestClock() });
      const res = await create(kind, { executionId, taskExternalId: "sync" });
      expect(res.status).toBe(409);
      const { error } = await json(res);
      expect(error.code).toBe("task_not_in_progress");
      expect(error.details).toEqual({ taskId, status: "IN_PROGRESS", isAsyncComplete: false });
      expect(await stored()).toBe(0);
    });

    it("answers 404 task_not_found when the named execution has no such task id", async () => {
      const exec = emulator.createExecution();
      const res = await create(kind, { executionId: exec.id, taskId: crypto.randomUUID() });
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe("task_not_found");
    });

    it("accepts taskId beside executionId for a live task, and keeps the execution", async () => {
      const exec = emulator.createExecution();
      const task = exec.executedTasks[0]!;
      const res = await create(kind, { executionId: exec.id, taskId: task.id });
      expect(res.status).toBe(201);
      expect(await json(res)).toMatchObject({ taskId: task.id, executionId: exec.id });
    });

    it("refuses a bare taskId that taskgate itself already completed", async () => {
      const task = emulator.createExecution().executedTasks[0]!;
      const wait = await json(await create("waits", { taskId: task.id }));
      const cb = await t.app.request(new URL(wait.callbackUrl).pathname, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ status: "FAILED", output: { why: "no" } }),
      });
      expect(cb.status).toBe(202);
      expect(await forwardOnce(t.deps)).toBe(1);
      const res = await create(kind, { taskId: task.id });
      expect(res.status).toBe(409);
      const { error } = await json(res);
      expect(error.code).toBe("task_not_in_progress");
      expect(error.details).toMatchObject({ taskId: task.id, status: "FAILED" });
      expect(await stored()).toBe(1);
    });

    it("refuses a second open wait or approval on a task (409 task_already_waited) unless allowMultiple", async () => {
      const task = emulator.createExecution().executedTasks[0]!;
      expect((await create(kind, { taskId: task.id })).status).toBe(201);
      for (const other of ["waits", "approvals"] as const) {
        const res = await create(other, { taskId: task.id });
        expect(res.status).toBe(409);
        const { error } = await json(res);
        expect(error.code).toBe("task_already_waited");
        expect(error.message).toContain("allowMultiple");
      }
      expect(await stored()).toBe(1);
      expect((await create(kind, { taskId: task.id, allowMultiple: true })).status).toBe(201);
      expect(await stored()).toBe(2);
    });
  });

  it("lets a new wait in once the earlier one is cancelled", async () => {
    const task = emulator.createExecution().executedTasks[0]!;
    const first = await json(await create("waits", { taskId: task.id }));
    expect((await create("waits", { taskId: task.id })).status).toBe(409);
    expect((await t.app.request(`/v1/waits/${first.id}`, { method: "DELETE", headers })).status).toBe(200);
    expect((await create("waits", { taskId: task.id })).status).toBe(201);
  });

  it("refuses a non-boolean allowMultiple with 400", async () => {
    const task = emulator.createExecution().executedTasks[0]!;
    const res = await create("waits", { taskId: task.id, allowMultiple: "yes" });
    expect(res.status).toBe(400);
  });
});
