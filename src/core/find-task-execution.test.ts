import { describe, expect, it } from "vitest";
import { findTaskExecution } from "./find-task-execution.js";
import type { TaskExecution } from "./task-execution.js";

const task = (id: string, externalId: string, status: string, startTime?: number | null): TaskExecution => ({
  id,
  externalId,
  status,
  startTime,
});

describe("findTaskExecution", () => {
  it("prefers the IN_PROGRESS entry over later ones", () => {
    const executedTasks = [
      task("a", "approve", "FAILED", 100),
      task("b", "approve", "IN_PROGRESS", 200),
      task("c", "approve", "FAILED", 300),
      task("d", "other", "IN_PROGRESS", 400),
    ];
    expect(findTaskExecution({ executedTasks }, "approve")?.id).toBe("b");
  });

  it("else takes the latest startTime", () => {
    const executedTasks = [
      task("a", "approve", "FAILED", 300),
      task("b", "approve", "COMPLETED", 100),
      task("c", "approve", "SCHEDULED", null),
    ];
    expect(findTaskExecution({ executedTasks }, "approve")?.id).toBe("a");
  });

  it("is undefined when the task has not run", () => {
    expect(findTaskExecution({ executedTasks: [task("a", "x", "COMPLETED", 1)] }, "approve")).toBeUndefined();
    expect(findTaskExecution({ executedTasks: [] }, "approve")).toBeUndefined();
  });
});
