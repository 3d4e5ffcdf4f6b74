import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_API_KEY, localConfig } from "../src/cli/local-mode.js";
import { createEmulator, type Emulator } from "../src/emulator/emulator.js";
import { type RunningGateway, startGateway } from "../src/node.js";
import { captureLogger } from "./support/capture-logger.js";

const run = promisify(execFile);

/** The documented Cognite Function example, run for real against a local-mode gateway. */
describe("examples/cognite-function/handler.py", () => {
  let dir: string;
  let emulator: Emulator;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-py-"));
    emulator = createEmulator();
    gateway = await startGateway({
      config: localConfig(dir, 0),
      port: 0,
      emulator: emulator.app,
      derivePublicUrl: true,
      logger: captureLogger(),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers a wait for its own task; calling the URL completes the task", async () => {
    const exec = emulator.createExecution();
    const taskId = exec.executedTasks[0]!.id;
    const { stdout } = await run("python3", ["examples/cognite-function/handler.py", taskId], {
      env: { ...process.env, TASKGATE_URL: gateway.url, TASKGATE_API_KEY: LOCAL_API_KEY },
    });
    const result = JSON.parse(stdout) as { callbackUrl: string; waitId: string };
    expect(result.callbackUrl.startsWith(`${gateway.url}/v1/callbacks/`)).toBe(true);

    const res = await fetch(result.callbackUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ output: { sampleId: "S-1" } }),
    });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 5000;
    while (emulator.getTask(taskId)?.status === "IN_PROGRESS" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(emulator.getTask(taskId)).toMatchObject({
      status: "COMPLETED",
      output: { sampleId: "S-1", requestedBy: "workflow", taskgate: { waitId: result.waitId } },
    });
  });

  it("creates an approval for its own task; two approvals in the pages complete the task", async () => {
    const exec = emulator.createExecution();
    const taskId = exec.executedTasks[0]!.id;
    const env = { ...process.env, TASKGATE_URL: gateway.url, TASKGATE_API_KEY: LOCAL_API_KEY };
    const args = ["examples/cognite-function/approval_handler.py", taskId, exec.id];
    const { stdout } = await run("python3", args, { env });
    const result = JSON.parse(stdout) as { approvalId: string; links: { email: string; url: string }[] };
    expect(result.links.map((l) => l.email)).toEqual(["ada@example.com", "bo@example.com"]);
    for (const { url } of result.links) {
      expect(url.startsWith(`${gateway.url}/a/`)).toBe(true);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
        body: "decision=approve",
      });
      expect(res.status).toBe(200);
    }
    const deadline = Date.now() + 5000;
    while (emulator.getTask(taskId)?.status === "IN_PROGRESS" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(emulator.getTask(taskId)).toMatchObject({
      status: "COMPLETED",
      output: { approval: { id: result.approvalId, outcome: "approved" } },
    });
    // Run again on the finished task: refused with a reason, not accepted into a dead letter.
    const again = await run("python3", args, { env }).catch((err: { code: number; stderr: string }) => err);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toMatch(
      /taskgate refused the approval \(409\).*task_not_in_progress/,
    );
  });
});
