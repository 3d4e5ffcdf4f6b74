import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "./support/eventually.js";

const ROOT = join(import.meta.dirname, "..");

/** What the README promises of `npm start`: the gateway in local mode, with the memory flags it documents. */
describe("npm start", () => {
  let npm: ChildProcess | undefined;
  afterEach(() => {
    // npm, its shell and the gateway share a process group.
    if (npm?.pid !== undefined && npm.exitCode === null) {
      try {
        process.kill(-npm.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("starts the gateway in local mode with a 1 GB heap cap, and answers /healthz", async () => {
    npm = spawn("npm", ["start", "--silent", "--", "--port", "0"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let out = "";
    npm.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    npm.stderr!.resume();
    const listening = () =>
      out
        .split("\n")
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { msg?: string; url?: string; heapLimitMb?: number }];
          } catch {
            return [];
          }
        })
        .find((l) => l.msg === "taskgate listening");
    await until(() => listening() !== undefined, { what: "taskgate listening", timeoutMs: 30_000 });
    const line = listening()!;
    // --max-old-space-size=1024 plus the young generation (3 × 8 MB semi-spaces); Node's default
    // on this kind of machine is several GB.
    expect(line.heapLimitMb).toBeGreaterThanOrEqual(1024);
    expect(line.heapLimitMb).toBeLessThan(1200);
    const health = await fetch(`${line.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
