import { describe, expect, it } from "vitest";
import { seeded } from "../../../test/support/seeded.js";
import {
  isAsyncComplete,
  parseTaskExecution,
  parseTaskWithSchema,
  parseWorkflowExecutionDetail,
  UnexpectedResponseError,
} from "./parse-response.js";

const documented = {
  id: "f69f7b1c-6aea-4213-b5d0-deb2fbabe5a0",
  externalId: "await-approval",
  status: "COMPLETED",
  taskType: "function",
  input: { function: { externalId: "request-approval-fn", data: { k: "v" } }, isAsyncComplete: true },
  output: { callId: 123, functionId: 456, response: {} },
  parentTaskExternalId: null,
  startTime: 1730204346000,
  endTime: 1730204399000,
  reasonForIncompletion: null,
};

describe("parseTaskExecution", () => {
  it("reads the documented example unchanged", () => {
    expect(parseTaskExecution(documented)).toEqual(documented);
  });

  it("keeps unknown fields and accepts unknown statuses and task types", () => {
    const task = parseTaskExecution({ ...documented, status: "PAUSED", taskType: "quantum", shiny: [1] });
    expect(task.status).toBe("PAUSED");
    expect(task.taskType).toBe("quantum");
    expect(task.shiny).toEqual([1]);
  });

  it("exposes asyncComplete as isAsyncComplete too", () => {
    const task = parseTaskExecution({ ...documented, input: { asyncComplete: true } });
    expect(task.input).toEqual({ asyncComplete: true, isAsyncComplete: true });
    expect(isAsyncComplete(task)).toBe(true);
    expect(isAsyncComplete(parseTaskExecution({ ...documented, input: {}, asyncComplete: false }))).toBe(
      false,
    );
    expect(
      isAsyncComplete(parseTaskExecution({ id: "a", externalId: "b", status: "SCHEDULED" })),
    ).toBeUndefined();
  });

  it("drops null input, output and taskType, which the port types as absent", () => {
    const task = parseTaskExecution({ ...documented, input: null, output: null, taskType: null });
    expect("input" in task || "output" in task || "taskType" in task).toBe(false);
  });

  it("refuses a body that is not a task execution", () => {
    expect(() => parseTaskExecution({ externalId: "x", status: "COMPLETED" })).toThrow(
      UnexpectedResponseError,
    );
    expect(() => parseTaskExecution("ok")).toThrow(/task execution/);
  });
});

describe("parseTaskExecution without the schema's copy", () => {
  it("answers what the schema answers, for seeded bodies right and wrong", () => {
    const { next, pick } = seeded(0x7a5c);
    const anything = [
      undefined,
      null,
      "s",
      "",
      0,
      1.5,
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      {},
      [],
      [1],
    ];
    const field = (good: readonly unknown[]) => (next() < 0.8 ? pick(good) : pick(anything));
    const outcome = (parse: (b: unknown) => unknown, body: unknown) => {
      try {
        return { ok: parse(body) };
      } catch (error) {
        return { threw: (error as Error).message };
      }
    };
    let fast = 0;
    for (let i = 0; i < 3_000; i++) {
      const body: Record<string, unknown> = {
        id: field(["t-1", ""]),
        externalId: field(["await-approval"]),
        status: field(["COMPLETED", "IN_PROGRESS", "PAUSED"]),
        taskType: field([undefined, null, "function"]),
        input: field([undefined, null, {}, { isAsyncComplete: true }, { asyncComplete: false, k: [1] }]),
        output: field([undefined, null, {}, { nested: { a: 1 }, list: [1, "x"] }]),
        startTime: field([undefined, null, 1_730_204_346_000]),
        endTime: field([undefined, null, 1_730_204_399_000]),
        reasonForIncompletion: field([undefined, null, "timed out"]),
        ...(next() < 0.3 ? { parentTaskExternalId: pick(anything) } : {}),
      };
      for (const key of Object.keys(body)) if (body[key] === undefined && next() < 0.5) delete body[key];
      const subject = next() < 0.05 ? pick(anything) : body;
      const viaSchema = outcome(parseTaskWithSchema, structuredClone(subject));
      expect(outcome(parseTaskExecution, structuredClone(subject))).toEqual(viaSchema);
      if ("ok" in viaSchema) fast++;
    }
    // Both kinds were seen plenty.
    expect(fast).toBeGreaterThan(300);
    expect(fast).toBeLessThan(2_700);
  });
});

describe("parseWorkflowExecutionDetail", () => {
  it("parses executedTasks and keeps the rest", () => {
    const detail = parseWorkflowExecutionDetail({
      id: "e1",
      workflowExternalId: "wf",
      version: 2,
      status: "RUNNING",
      engineExecutionId: "x",
      executedTasks: [{ ...documented, input: { asyncComplete: true } }],
    });
    expect(detail.version).toBe("2");
    expect(detail.engineExecutionId).toBe("x");
    expect(detail.executedTasks[0]?.input?.isAsyncComplete).toBe(true);
  });

  it("treats missing executedTasks as none", () => {
    const detail = parseWorkflowExecutionDetail({ id: "e1", workflowExternalId: "wf", status: "RUNNING" });
    expect(detail.executedTasks).toEqual([]);
    expect("version" in detail).toBe(false);
  });

  it("refuses a detail without an id", () => {
    expect(() => parseWorkflowExecutionDetail({ workflowExternalId: "wf", status: "X" })).toThrow(/id/);
  });
});
