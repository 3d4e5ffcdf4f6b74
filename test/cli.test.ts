import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleEnv } from "../src/config/example.js";
import { envRef } from "../src/config/interpolate.js";
import { ROOT, tsxArgs } from "./support/tsx.js";

const MAIN = tsxArgs("src/cli/main.ts");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (TypeScript through tsx) in `cwd` and collects its output. */
function taskgate(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...MAIN, ...args], {
      cwd,
      env: { ...process.env, TASKGATE_CONFIG: "", PORT: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

// Each test spawns the CLI through tsx, several seconds per run on a loaded machine.
describe("taskgate CLI", { timeout: 90_000 }, () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-cli-"));
  });
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("check accepts the example config and summarises it", async () => {
    const r = await taskgate(
      ["check", "--config", join(ROOT, "taskgate.config.example.json")],
      dir,
      exampleEnv,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK — CDF project "my-project"/);
  });

  it("check names every problem with its path and fix, exits 2, and never prints a secret", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        publicUrl: "not a url",
        cdf: { baseUrl: "https://api.cognitedata.com", auth: { type: "token", token: envRef("CDF_TOKEN") } },
        signingKeys: [{ kid: "k", secret: "short-secret-value" }],
        api: {},
        servr: {},
      }),
    );
    const r = await taskgate(["check", "--config", file], dir);
    expect(r.code).toBe(2);
    for (const path of [
      "publicUrl",
      "cdf.project",
      "cdf.auth.token",
      "signingKeys[0].secret",
      "api",
      "servr",
    ]) {
      expect(r.stderr).toMatch(new RegExp(`^${path.replace(/[[\].]/g, "\\$&")}: .*; fix: `, "m"));
    }
    expect(r.stderr).toContain(
      `cdf.auth.token: ${envRef("CDF_TOKEN")} is not set; fix: export CDF_TOKEN=...`,
    );
    expect(r.stderr).toContain('did you mean "server"');
    expect(r.stderr).not.toContain("short-secret-value");
  });

  it("check runs each source's expressions over its samples and exits 1 when one fails at run time", async () => {
    const file = join(dir, "config.json");
    const config = JSON.parse(readFileSync(join(ROOT, "taskgate.config.example.json"), "utf8"));
    config.sources = {
      jobs: {
        verify: { scheme: "hmac", secrets: ["jobs-secret-0123456789"], header: "x-signature" },
        correlationKey: "jobId",
        status: "$exists(error) ? $fail() : 'COMPLETED'",
      },
    };
    writeFileSync(file, JSON.stringify(config));
    writeFileSync(
      join(dir, "mine.json"),
      JSON.stringify({ source: "jobs", name: "mine", body: { jobId: "J-9" } }),
    );
    const r = await taskgate(["check", "--config", file, "--sample", "mine.json"], dir, exampleEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("sources.jobs (hmac): 3 sample(s)");
    expect(r.stdout).toContain("FAIL sources.jobs.status: calls $fail, which JSONata does not have");
    expect(r.stdout).toMatch(/^ {2}ok {3}job\.completed +COMPLETED, key "J-1042", output \{\}$/m);
    expect(r.stdout).toMatch(/^ {2}FAIL job\.failed +status: JSONata T1006/m);
    expect(r.stdout).toMatch(/^ {2}ok {3}mine +COMPLETED, key "J-9"/m);
    const missing = await taskgate(["check", "--config", file, "--sample", "nope.json"], dir, exampleEnv);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^taskgate check: nope\.json: ENOENT/);
  });

  it("a named config that does not exist is an error, never local mode", async () => {
    for (const args of [
      ["check", "--config", "missing.json"],
      ["serve", "--config", "missing.json"],
    ]) {
      const r = await taskgate(args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/missing\.json does not exist/);
    }
    const viaEnv = await taskgate(["serve"], dir, { TASKGATE_CONFIG: "nope.json" });
    expect(viaEnv.code).toBe(2);
  });

  it("usage errors exit 2 with the usage; --help exits 0", async () => {
    expect((await taskgate(["frobnicate"], dir)).code).toBe(2);
    expect((await taskgate(["serve", "--port", "http"], dir)).stderr).toMatch(/--port must be an integer/);
    const help = await taskgate(["--help"], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/taskgate serve/);
    for (const args of [
      ["help", "send"],
      ["send", "--help"],
    ]) {
      const one = await taskgate(args, dir);
      expect(one.code, args.join(" ")).toBe(0);
      expect(one.stdout).toMatch(/^Usage: taskgate send SOURCE \(--event NAME \| --body FILE\)/);
      expect(one.stdout).toMatch(/Options:\n {2}-e, --event NAME/);
      expect(one.stdout).toMatch(/Example:\n {2}taskgate send demo --event demo\.completed --key order-1/);
      expect(one.stdout).toMatch(/\n {2}github: workflow_run, workflow_run\.failure, check_run, ping\n/);
    }
    const unknown = await taskgate(["help", "frobnicate"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("send signs a body with the local demo source's secret; the gateway queues it to the waiting task", async () => {
    child = spawn(process.execPath, [...MAIN, "serve", "--port", "0"], {
      cwd: dir,
      env: { ...process.env, TASKGATE_CONFIG: "", PORT: "" },
    });
    let stderr = "";
    child.stderr!.on("data", (b) => (stderr += b));
    const deadline = Date.now() + 15_000;
    while (!stderr.includes("Walkthrough") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const url = /gateway\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    expect(url).toBeDefined();
    const exec = (await (
      await fetch(`${url}/emulator/_emulator/executions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
    ).json()) as { executedTasks: { id: string }[] };
    const taskId = exec.executedTasks[0]!.id;
    const wait = await fetch(`${url}/v1/waits`, {
      method: "POST",
      headers: { authorization: "Bearer local-dev-key", "content-type": "application/json" },
      body: JSON.stringify({ taskId, source: "demo", correlationKey: "order-9" }),
    });
    expect(wait.status).toBe(201);
    writeFileSync(
      join(dir, "event.json"),
      JSON.stringify({ correlationKey: "order-9", output: { shipped: true } }),
    );
    const sent = await taskgate(["send", "demo", "--body", "event.json", "--url", `${url}/hooks/demo`], dir);
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(
      /^POST \S+\/hooks\/demo \(correlation key "order-9"\)\n202 Accepted\n\{"outcome":"queued"/,
    );
    const unknown = await taskgate(["send", "nope", "--body", "event.json"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no source "nope" in the config \(known: demo\)/);
  });

  it("serve without a config starts local mode, prints the walkthrough, and stops cleanly on SIGTERM", async () => {
    child = spawn(process.execPath, [...MAIN, "serve", "--port", "0"], {
      cwd: dir,
      env: { ...process.env, TASKGATE_CONFIG: "", PORT: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (b) => (stdout += b));
    child.stderr!.on("data", (b) => (stderr += b));
    const deadline = Date.now() + 15_000;
    while (!stderr.includes("Walkthrough") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain("LOCAL MODE");
    const url = /gateway\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    expect(url).toBeDefined();
    expect(((await (await fetch(`${url}/healthz`)).json()) as { status: string }).status).toBe("ok");
    const exited = new Promise<number | null>((r) => child!.on("close", r));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/"msg":"stopped"/);
  });
});
