import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tsxArgs } from "../../../test/support/tsx.js";

/** Lines queued for stdout are written however the process ends, short of SIGKILL. */
describe("stdoutLines", () => {
  for (const [how, status] of [
    ["exit", 3],
    ["throw", 1],
    ["end", 0],
  ] as const) {
    it(`writes the lines still queued when the process ends by ${how}`, () => {
      const child = spawnSync(process.execPath, [...tsxArgs("test/support/stdout-lines-child.ts"), how], {
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(child.status).toBe(status);
      expect(child.stdout).toBe('{"n":1}\n{"n":2}\n');
    });
  }
});
