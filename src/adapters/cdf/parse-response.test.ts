import { describe, expect, it } from "vitest";
import {
  isAsyncComplete,
  parseTaskExecution,
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
