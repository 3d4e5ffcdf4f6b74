import { beforeEach, describe, expect, it } from "vitest";
import { TestClock } from "../../test/support/test-clock.js";
import { createEmulator, type Emulator } from "./emulator.js";
import type { TaskExecution, WorkflowExecution, WorkflowExecutionDetail } from "./workflow-types.js";

const API = "/api/v1/projects/emulator";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function fnTask(externalId: string, extra: Record<string, unknown> = {}, isAsyncComplete = true) {
  return {
    externalId,
    type: "function",
    parameters: { function: { externalId: `${externalId}-fn`, data: { k: "v" } }, isAsyncComplete },
    ...extra,
  };
}

describe("workflow engine over the CDF API", () => {
  let clock: TestClock;
  let emulator: Emulator;
  let token: string;

  beforeEach(async () => {
    clock = new TestClock();
    emulator = createEmulator({ clock });
    const res = await emulator.app.request("/oauth2/token", {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "taskgate-local",
        client_secret: "local-secret",
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  const call = (method: string, path: string, body?: unknown) =>
    emulator.app.request(`${API}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;
  const detail = (id: string) => json<WorkflowExecutionDetail>(call("GET", `/workflows/executions/${id}`));
  const complete = (taskId: string, status = "COMPLETED", output?: Record<string, unknown>) =>
    call("POST", `/workflows/tasks/${taskId}/update`, output ? { status, output } : { status });
  const inProgress = (d: WorkflowExecutionDetail, externalId: string): TaskExecution =>
    d.executedTasks.find((t) => t.externalId === externalId && t.status === "IN_PROGRESS")!;

  async function deploy(workflowExternalId: string, tasks: unknown[], version = "1") {
    const res = await call("POST", "/workflows/versions", {
      items: [{ workflowExternalId, version, workflowDefinition: { tasks } }],
    });
    expect(res.status).toBe(200);
  }

  async function run(workflowExternalId: string, version = "1", extra: Record<string, unknown> = {}) {
    const sessions = await json<{ items: { nonce: string; status: string }[] }>(
      call("POST", "/sessions", { items: [{ clientId: "taskgate-local", clientSecret: "local-secret" }] }),
    );
    expect(sessions.items[0]!.status).toBe("READY");
    const path = `/workflows/${encodeURIComponent(workflowExternalId)}/versions/${encodeURIComponent(version)}/run`;
    return call("POST", path, { authentication: { nonce: sessions.items[0]!.nonce }, ...extra });
  }

  it("upserts workflows and versions, filling CDF's defaults", async () => {
    const wf = await json<{ items: { externalId: string; description: string }[] }>(
      call("POST", "/workflows", { items: [{ externalId: "wf", description: "d" }] }),
    );
    expect(wf.items[0]).toMatchObject({ externalId: "wf", description: "d" });
    const v = await json<{ items: { workflowDefinition: { tasks: Record<string, unknown>[] } }[] }>(
      call("POST", "/workflows/versions", {
        items: [{ workflowExternalId: "wf", version: "1", workflowDefinition: { tasks: [fnTask("a")] } }],
      }),
    );
    expect(v.items[0]!.workflowDefinition.tasks[0]).toMatchObject({
      retries: 3,
      timeout: 3600,
      onFailure: "abortWorkflow",
      dependsOn: [],
    });
  });

  it("refuses bad definitions with CDF-style 400s", async () => {
    const versions = (tasks: unknown[]) =>
      call("POST", "/workflows/versions", {
        items: [{ workflowExternalId: "wf", version: "1", workflowDefinition: { tasks } }],
      });
    const cases: [unknown[], RegExp][] = [
      [[fnTask("a"), fnTask("a")], /more than once/],
      [[fnTask("a", { dependsOn: [{ externalId: "zz" }] })], /depends on 'zz'/],
      [
        [
          fnTask("a", { dependsOn: [{ externalId: "b" }] }),
          fnTask("b", { dependsOn: [{ externalId: "a" }] }),
        ],
        /cycle/,
      ],
      [[{ ...fnTask("a"), type: "transformation" }], /only 'function'/],
      [[fnTask("a", { retries: 11 })], /constraint violation.*retries/],
      [[{ externalId: "a", type: "function" }], /parameters/],
    ];
    for (const [tasks, message] of cases) {
      const res = await versions(tasks);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it("runs with a session nonce: async tasks start IN_PROGRESS with their own id injected", async () => {
    await deploy("wf", [fnTask("approve")]);
    const res = await run("wf", "1", { input: { a: 1 }, metadata: { who: "test" } });
    expect(res.status).toBe(200);
    const execution = (await res.json()) as WorkflowExecution;
    expect(execution).toMatchObject({ workflowExternalId: "wf", version: "1", status: "RUNNING" });
    expect(execution.id).toMatch(UUID_V4);
    expect(execution.engineExecutionId).toMatch(UUID_V4);

    const d = await detail(execution.id);
    expect(d.input).toEqual({ a: 1 });
    expect(d.metadata).toEqual({ who: "test" });
    expect(d.workflowDefinition.tasks).toHaveLength(1);
    const task = d.executedTasks[0]!;
    expect(task.id).toMatch(UUID_V4);
    expect(task.id).toHaveLength(36);
    expect(task).toMatchObject({ externalId: "approve", status: "IN_PROGRESS", taskType: "function" });
    expect(task.input).toEqual({
      function: { externalId: "approve-fn", data: { k: "v", cogniteOrchestrationTaskId: task.id } },
      isAsyncComplete: true,
    });
    expect(task.startTime).toBe(clock.now());
    expect(task.endTime).toBeNull();
  });

  it("uses a nonce once, and needs one", async () => {
    await deploy("wf", [fnTask("a")]);
    const sessions = await json<{ items: { nonce: string }[] }>(
      call("POST", "/sessions", { items: [{ tokenExchange: true }] }),
    );
    const nonce = sessions.items[0]!.nonce;
    expect((await call("POST", "/workflows/wf/versions/1/run", { authentication: { nonce } })).status).toBe(
      200,
    );
    const again = await call("POST", "/workflows/wf/versions/1/run", { authentication: { nonce } });
    expect(again.status).toBe(400);
    expect((await call("POST", "/workflows/wf/versions/1/run", {})).status).toBe(400);
    expect((await call("POST", "/workflows/wf/versions/1/run", { authentication: null })).status).toBe(400);
  });

  it("answers 404 for an unknown workflow version or execution", async () => {
    expect((await run("nope")).status).toBe(404);
    const res = await call("GET", `/workflows/executions/${crypto.randomUUID()}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(404);
  });

  it("URL-decodes the workflow externalId and version in the run path", async () => {
    await deploy("my wf/α", [fnTask("a")], "v 1");
    const res = await run("my wf/α", "v 1");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ workflowExternalId: "my wf/α", version: "v 1" });
  });

  it("completes non-async tasks at once and starts dependents when dependencies complete", async () => {
    await deploy("wf", [
      fnTask("prepare", {}, false),
      fnTask("approve", { dependsOn: [{ externalId: "prepare" }] }),
      fnTask("audit"),
      fnTask("publish", { dependsOn: [{ externalId: "approve" }, { externalId: "audit" }] }, false),
    ]);
    const { id } = (await (await run("wf")).json()) as WorkflowExecution;
    let d = await detail(id);
    expect(d.executedTasks.map((t) => [t.externalId, t.status])).toEqual([
      ["prepare", "COMPLETED"],
      ["approve", "IN_PROGRESS"],
      ["audit", "IN_PROGRESS"],
    ]);
    expect(d.executedTasks[0]!.input.function.data).toEqual({ k: "v" });

    expect((await complete(inProgress(d, "approve").id)).status).toBe(200);
    d = await detail(id);
    expect(d.status).toBe("RUNNING");
    expect(d.executedTasks.some((t) => t.externalId === "publish")).toBe(false);

    clock.advance(1000);
    expect((await complete(inProgress(d, "audit").id)).status).toBe(200);
    d = await detail(id);
    expect(d.executedTasks.map((t) => t.externalId)).toEqual(["prepare", "approve", "audit", "publish"]);
    expect(d.status).toBe("COMPLETED");
    expect(d.endTime).toBe(clock.now());
  });

  it("retries a FAILED task as a new entry with the same externalId and a new id", async () => {
    await deploy("wf", [fnTask("approve", { retries: 1 })]);
    const { id } = (await (await run("wf")).json()) as WorkflowExecution;
    const first = inProgress(await detail(id), "approve");

    clock.advance(500);
    const failed = (await (await complete(first.id, "FAILED", { why: "no" })).json()) as TaskExecution;
    expect(failed).toMatchObject({ id: first.id, status: "FAILED" });
    expect(failed.output).toMatchObject({ why: "no" });

    const d = await detail(id);
    expect(d.status).toBe("RUNNING");
    const entries = d.executedTasks.filter((t) => t.externalId === "approve");
    expect(entries.map((t) => t.status)).toEqual(["FAILED", "IN_PROGRESS"]);
    const second = entries[1]!;
    expect(second.id).not.toBe(first.id);
    expect(second.id).toHaveLength(36);
    expect(second.input.function.data.cogniteOrchestrationTaskId).toBe(second.id);
    expect(second.startTime).toBeGreaterThan(first.startTime);

    // The old entry is closed for updates; the new one is the live task.
    expect((await complete(first.id)).status).toBe(400);
    // retries: 1 is used up now, so this FAILED fails the execution.
    expect((await complete(second.id, "FAILED")).status).toBe(200);
    const after = await detail(id);
    expect(after.status).toBe("FAILED");
    expect(after.reasonForIncompletion).toMatch(/approve/);
    expect(after.executedTasks.map((t) => t.status)).toEqual(["FAILED", "FAILED"]);
  });

  it("defaults to 3 retries, like CDF", async () => {
    const execution = emulator.createExecution();
    for (let attempt = 0; attempt < 4; attempt++) {
      const current = emulator.getExecution(execution.id)!.executedTasks.at(-1)!;
      expect(current.status).toBe("IN_PROGRESS");
      emulator.updateTask(current.id, { status: "FAILED" });
    }
    const d = emulator.getExecution(execution.id)!;
    expect(d.executedTasks).toHaveLength(4);
    expect(d.status).toBe("FAILED");
  });

  it("FAILED_WITH_TERMINAL_ERROR fails task and execution without a retry and cancels the rest", async () => {
    await deploy("wf", [fnTask("a"), fnTask("b")]);
    const { id } = (await (await run("wf")).json()) as WorkflowExecution;
    const d = await detail(id);
    const res = await complete(inProgress(d, "a").id, "FAILED_WITH_TERMINAL_ERROR");
    expect(((await res.json()) as TaskExecution).status).toBe("FAILED_WITH_TERMINAL_ERROR");
    const after = await detail(id);
    expect(after.status).toBe("FAILED");
    expect(after.executedTasks.map((t) => [t.externalId, t.status])).toEqual([
      ["a", "FAILED_WITH_TERMINAL_ERROR"],
      ["b", "CANCELED"],
    ]);
  });

  it("onFailure skipTask marks the task COMPLETED_WITH_ERRORS and goes on", async () => {
    await deploy("wf", [
      fnTask("optional", { retries: 0, onFailure: "skipTask" }),
      fnTask("next", { dependsOn: [{ externalId: "optional" }] }, false),
    ]);
    const { id } = (await (await run("wf")).json()) as WorkflowExecution;
    await complete(inProgress(await detail(id), "optional").id, "FAILED");
    const d = await detail(id);
    expect(d.executedTasks.map((t) => t.status)).toEqual(["COMPLETED_WITH_ERRORS", "COMPLETED"]);
    expect(d.status).toBe("COMPLETED");
  });

  it("cancel: the execution is TERMINATED and in-progress tasks CANCELED", async () => {
    const execution = emulator.createExecution({
      tasks: [{ externalId: "a" }, { externalId: "b", parameters: { function: { externalId: "f" } } }],
    });
    clock.advance(10);
    const res = await call("POST", `/workflows/executions/${execution.id}/cancel`, { reason: "stop" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "TERMINATED", reasonForIncompletion: "stop" });
    const d = await detail(execution.id);
    expect(d.executedTasks.map((t) => [t.externalId, t.status])).toEqual([
      ["a", "CANCELED"],
      ["b", "COMPLETED"],
    ]);
    expect(d.executedTasks[0]!.endTime).toBe(clock.now());
    expect((await call("POST", `/workflows/executions/${execution.id}/cancel`)).status).toBe(400);
    expect((await call("POST", `/workflows/executions/${crypto.randomUUID()}/cancel`)).status).toBe(404);
  });

  it("lists executions newest first, filtered, with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      ids.push(emulator.createExecution({ workflowExternalId: "wf-a" }).id);
    }
    const other = emulator.createExecution({ workflowExternalId: "wf-b", version: "2" });
    emulator.updateTask(other.executedTasks[0]!.id, { status: "COMPLETED" });

    const page1 = await json<{ items: WorkflowExecution[]; nextCursor?: string }>(
      call("POST", "/workflows/executions/list", {
        filter: { workflowFilters: [{ externalId: "wf-a" }] },
        limit: 2,
      }),
    );
    expect(page1.items.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    expect(page1.items[0]).not.toHaveProperty("executedTasks");
    const page2 = await json<{ items: WorkflowExecution[]; nextCursor?: string }>(
      call("POST", "/workflows/executions/list", {
        filter: { workflowFilters: [{ externalId: "wf-a" }] },
        limit: 2,
        cursor: page1.nextCursor,
      }),
    );
    expect(page2.items.map((e) => e.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeUndefined();

    const completed = await json<{ items: WorkflowExecution[] }>(
      call("POST", "/workflows/executions/list", {
        filter: { workflowFilters: [{ externalId: "wf-b", version: "2" }], status: ["COMPLETED"] },
      }),
    );
    expect(completed.items.map((e) => e.id)).toEqual([other.id]);
    const all = await json<{ items: WorkflowExecution[] }>(call("POST", "/workflows/executions/list"));
    expect(all.items).toHaveLength(4);
    expect((await call("POST", "/workflows/executions/list", { cursor: "bogus" })).status).toBe(400);
  });

  it("refuses null values and more than 10 metadata pairs on run", async () => {
    await deploy("wf", [fnTask("a")]);
    const nulls = await run("wf", "1", { input: { a: null } });
    expect(nulls.status).toBe(400);
    expect(await nulls.json()).toEqual({ error: { code: 400, message: "`null` values aren't allowed." } });
    const metadata = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
    expect((await run("wf", "1", { metadata })).status).toBe(400);
  });

  it("keeps helper snapshots detached from the engine's state", () => {
    const execution = emulator.createExecution();
    const task = emulator.getTask(execution.executedTasks[0]!.id)!;
    task.status = "COMPLETED";
    expect(emulator.getTask(task.id)!.status).toBe("IN_PROGRESS");
  });
});
