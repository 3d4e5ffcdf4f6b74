import { beforeEach, describe, expect, it } from "vitest";
import { TestClock } from "../../test/support/test-clock.js";
import { CDF_MESSAGES, CdfHttpError } from "./cdf-errors.js";
import { createEmulator, type Emulator } from "./emulator.js";
import { MAX_OUTPUT_BYTES } from "./task-update.js";

const API = "/api/v1/projects/emulator";

describe("POST /workflows/tasks/{taskId}/update", () => {
  let emulator: Emulator;
  let token: string;

  beforeEach(async () => {
    emulator = createEmulator({ clock: new TestClock() });
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

  const update = (taskId: string, body: string) =>
    emulator.app.request(`${API}/workflows/tasks/${encodeURIComponent(taskId)}/update`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
    });

  const asyncTaskId = () => emulator.createExecution().executedTasks[0]!.id;

  async function expectError(res: Response, status: number, message: string | RegExp) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(status);
    if (typeof message === "string") expect(body.error.message).toBe(message);
    else expect(body.error.message).toMatch(message);
  }

  it("completes an IN_PROGRESS async task and answers with the task execution", async () => {
    const id = asyncTaskId();
    const res = await update(id, JSON.stringify({ status: "COMPLETED", output: { approved: true } }));
    expect(res.status).toBe(200);
    const task = (await res.json()) as Record<string, unknown>;
    expect(task).toMatchObject({
      id,
      externalId: "await-callback",
      status: "COMPLETED",
      taskType: "function",
      parentTaskExternalId: null,
      reasonForIncompletion: null,
    });
    expect(task.output).toMatchObject({ approved: true, response: {} });
    expect(typeof task.endTime).toBe("number");
  });

  it("refuses a taskId that is not 36 characters", async () => {
    await expectError(await update("await-callback", '{"status":"COMPLETED"}'), 400, /36-character/);
    await expectError(await update(`${asyncTaskId()}x`, '{"status":"COMPLETED"}'), 400, /36-character/);
  });

  it("answers 404 for an unknown task id", async () => {
    await expectError(await update(crypto.randomUUID(), '{"status":"COMPLETED"}'), 404, /not found/);
  });

  it("refuses a body that is not JSON, or not an object", async () => {
    const id = asyncTaskId();
    await expectError(await update(id, "status=COMPLETED"), 400, /JSON/);
    await expectError(await update(id, ""), 400, /JSON/);
    await expectError(await update(id, '["COMPLETED"]'), 400, /JSON object/);
  });

  it("refuses null anywhere with CDF's documented message", async () => {
    const id = asyncTaskId();
    await expectError(await update(id, "null"), 400, CDF_MESSAGES.nullValues);
    await expectError(await update(id, '{"status":"COMPLETED","output":null}'), 400, CDF_MESSAGES.nullValues);
    await expectError(await update(id, '{"status":null}'), 400, CDF_MESSAGES.nullValues);
    await expectError(
      await update(id, '{"status":"COMPLETED","output":{"a":{"b":[1,null]}}}'),
      400,
      CDF_MESSAGES.nullValues,
    );
  });

  it("refuses a missing or unknown status", async () => {
    const id = asyncTaskId();
    await expectError(await update(id, "{}"), 400, /status/);
    await expectError(await update(id, '{"status":"completed"}'), 400, /must be one of COMPLETED, FAILED/);
    await expectError(await update(id, '{"status":"IN_PROGRESS"}'), 400, /must be one of/);
    await expectError(await update(id, '{"status":1}'), 400, /must be one of/);
  });

  it("refuses unknown fields", async () => {
    await expectError(
      await update(asyncTaskId(), '{"status":"COMPLETED","outputs":{}}'),
      400,
      /Unrecognized field 'outputs'/,
    );
  });

  it("refuses an output that is not a JSON object", async () => {
    const id = asyncTaskId();
    for (const output of ['"done"', "[1,2]", "42", "true"]) {
      await expectError(await update(id, `{"status":"COMPLETED","output":${output}}`), 400, /JSON object/);
    }
  });

  it("measures the output's serialized UTF-8 bytes against 100 KB", async () => {
    const id = asyncTaskId();
    // {"s":"…"} is 8 bytes of framing; "é" is 2 bytes in UTF-8 but 1 UTF-16 unit.
    const framing = JSON.stringify({ s: "" }).length;
    const over = `${"é".repeat((MAX_OUTPUT_BYTES - framing) / 2)}x`;
    expect(over.length).toBeLessThan(MAX_OUTPUT_BYTES);
    await expectError(
      await update(id, JSON.stringify({ status: "COMPLETED", output: { s: over } })),
      400,
      /102401 bytes; the maximum is 102400/,
    );
    const exact = "x".repeat(MAX_OUTPUT_BYTES - framing);
    const res = await update(id, JSON.stringify({ status: "COMPLETED", output: { s: exact } }));
    expect(res.status).toBe(200);
  });

  it("refuses a task that is not async, with a clear message", async () => {
    const execution = emulator.createExecution({
      tasks: [
        {
          externalId: "sync",
          parameters: { function: { externalId: "fn" }, isAsyncComplete: false },
        },
      ],
    });
    const id = execution.executedTasks[0]!.id;
    await expectError(await update(id, '{"status":"COMPLETED"}'), 400, /not an async task.*isAsyncComplete/);
  });

  it("refuses a task that is not IN_PROGRESS, naming its status", async () => {
    const id = asyncTaskId();
    expect((await update(id, '{"status":"COMPLETED"}')).status).toBe(200);
    await expectError(await update(id, '{"status":"COMPLETED"}'), 400, /is COMPLETED; only an IN_PROGRESS/);

    const canceled = emulator.createExecution();
    await emulator.app.request(`${API}/workflows/executions/${canceled.id}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    await expectError(
      await update(canceled.executedTasks[0]!.id, '{"status":"FAILED"}'),
      400,
      /is CANCELED; only an IN_PROGRESS/,
    );
  });

  it("runs the same checks through the typed helper", () => {
    const id = asyncTaskId();
    expect(() => emulator.updateTask("short", { status: "COMPLETED" })).toThrow(CdfHttpError);
    expect(emulator.updateTask(id, { status: "COMPLETED" }).status).toBe("COMPLETED");
    try {
      emulator.updateTask(id, { status: "COMPLETED" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CdfHttpError);
      expect((err as CdfHttpError).status).toBe(400);
    }
  });
});
