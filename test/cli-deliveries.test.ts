import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runAuditCommand } from "../src/cli/audit-command.js";
import { runDeliveriesCommand } from "../src/cli/deliveries-command.js";
import { runPurgeCommand } from "../src/cli/purge-command.js";
import { consoleClient } from "./support/console-demo.js";
import { eventually } from "./support/eventually.js";
import { tsxArgs } from "./support/tsx.js";

const MAIN = tsxArgs("src/cli/main.ts");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `taskgate` CLI in `cwd`, against the gateway at TASKGATE_URL unless told otherwise. */
function taskgate(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...MAIN, ...args], {
      cwd,
      env: { ...process.env, TASKGATE_CONFIG: "", TASKGATE_API_KEY: "", PORT: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/**
 * The same command in this process (its console captured): starting the CLI through tsx costs
 * seconds on a loaded machine, so only a few cases spawn it; the gateway is a real process always.
 */
async function inProcess(
  run: (argv: string[]) => Promise<number>,
  argv: string[],
  env: Record<string, string> = {},
): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, "log")
    .mockImplementation((...a: unknown[]) => void out.push(`${a.join(" ")}\n`));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...a: unknown[]) => void err.push(`${a.join(" ")}\n`));
  const saved = { ...process.env };
  Object.assign(process.env, { TASKGATE_API_KEY: "", ...env });
  try {
    const code = await run(argv);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.env = saved;
  }
}

// Generous: on a loaded machine a local-mode gateway under tsx answers in seconds, not ms.
describe("taskgate deliveries and purge, against a running local-mode gateway", { timeout: 180_000 }, () => {
  let dir: string;
  let gateway: ChildProcess;
  let url: string;
  let c: ReturnType<typeof consoleClient>;
  let delivered: string;
  let dead: string;
  /** `taskgate deliveries ...` in this process, against the gateway. */
  const cli = (args: string[], env: Record<string, string> = {}) => {
    expect(args[0]).toBe("deliveries");
    return inProcess(runDeliveriesCommand, args.slice(1), { TASKGATE_URL: url, ...env });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-cli-deliveries-"));
    gateway = spawn(process.execPath, [...MAIN, "serve", "--port", "0"], {
      cwd: dir,
      env: { ...process.env, TASKGATE_CONFIG: "", PORT: "" },
    });
    let stderr = "";
    gateway.stderr!.on("data", (b) => (stderr += b));
    await eventually(() => expect(stderr).toContain("Walkthrough"), {
      timeoutMs: 90_000,
      what: "local mode",
    });
    url = /gateway\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
    c = consoleClient(url);
    const w = await c.wait();
    delivered = await c.callback(w.callbackUrl, { output: { ok: true } });
    await eventually(async () => expect(await c.status(delivered)).toBe("delivered"), { timeoutMs: 60_000 });
    dead = (await c.deadLetter()).deliveryId;
  }, 180_000);
  afterAll(() => {
    gateway?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("list prints an aligned table, filters by status, and --json gives the API's objects", async () => {
    // The real command, in its own process: local mode needs no key and no --url but the port.
    const all = await taskgate(["deliveries", "list", "--url", url], dir);
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    const [header, ...rows] = all.stdout.trim().split("\n");
    expect(header).toMatch(/^ID\s+STATUS\s+SOURCE\s+ATTEMPTS\s+ARRIVED\s+LAST$/);
    expect(rows).toHaveLength(2);
    // Newest first, columns aligned under the header.
    expect(rows[0]).toMatch(new RegExp(`^${dead}\\s+dead\\s+-\\s+1\\s+\\S+ \\S+Z\\s+CDF 400`));
    expect(rows[1]).toMatch(new RegExp(`^${delivered}\\s+delivered\\s`));
    expect(rows[0]!.indexOf("dead")).toBe(header!.indexOf("STATUS"));

    const deadOnly = await cli(["deliveries", "list", "--status", "dead", "--since", "1h", "--json"]);
    expect(deadOnly.code).toBe(0);
    const items = JSON.parse(deadOnly.stdout) as { id: string; status: string }[];
    expect(items.map((d) => [d.id, d.status])).toEqual([[dead, "dead"]]);
    const future = await cli(["deliveries", "list", "--since", "2100-01-01T00:00:00Z"]);
    expect(future.stdout).toBe("No deliveries match.\n");
  }, 180_000);

  it("show prints the delivery and every attempt with CDF's status, request id and message", async () => {
    const r = await cli(["deliveries", "show", dead]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Delivery\\s+${dead}$`, "m"));
    expect(r.stdout).toMatch(/^Status\s+dead$/m);
    expect(r.stdout).toMatch(/^ATTEMPT\s+STARTED\s+OUTCOME\s+CDF STATUS\s+CDF REQUEST ID\s+MESSAGE$/m);
    expect(r.stdout).toMatch(/^1\s+\S+ \S+Z\s+dead\s+400\s+\S+\s+.*not in a state that accepts updates/m);
    const json = await cli(["deliveries", "show", delivered, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: delivered,
      status: "delivered",
      history: [{ attempt: 1 }],
    });
  });

  it("replays by id and in bulk (dry run first), through the API", async () => {
    const dry = await cli(["deliveries", "replay", "--status", "dead", "--since", "1h", "--dry-run"]);
    expect(dry.stdout).toBe("1 deliveries would be queued again (dry run)\n");
    expect(await c.status(dead)).toBe("dead");
    const bulk = await cli(["deliveries", "replay", "--status", "dead", "--since", "1h", "--json"]);
    expect(JSON.parse(bulk.stdout)).toEqual({ count: 1, more: false, dryRun: false });
    await eventually(async () => expect(await c.status(dead)).toBe("delivered"), { timeoutMs: 60_000 });
    const one = await cli(["deliveries", "replay", delivered]);
    expect(one.stdout).toBe(`${delivered}  queued again\n`);
    expect(one.code).toBe(0);
    // Sent again: a second attempt (CDF has the task completed already, so it may end dead).
    await eventually(
      async () => {
        const d = (await (await c.api(`/v1/deliveries/${delivered}`)).json()) as { history: unknown[] };
        expect(d.history).toHaveLength(2);
      },
      { timeoutMs: 60_000 },
    );
  });

  it("follow prints deliveries as they arrive and settle, and exits 0 on Ctrl-C", async () => {
    const follower = spawn(process.execPath, [...MAIN, "deliveries", "follow", "--interval", "200ms"], {
      cwd: dir,
      env: { ...process.env, TASKGATE_URL: url, TASKGATE_API_KEY: "" },
    });
    let out = "";
    let err = "";
    follower.stdout!.on("data", (b) => (out += b));
    follower.stderr!.on("data", (b) => (err += b));
    const exited = new Promise<number | null>((resolve) => follower.on("close", resolve));
    try {
      await eventually(() => expect(err).toContain("Following deliveries"), { timeoutMs: 90_000 });
      const w = await c.wait();
      const id = await c.callback(w.callbackUrl, { output: { n: 1 } });
      await eventually(() => expect(out).toMatch(new RegExp(`${id}\\s+-\\s+delivered\\s+CDF 200`)), {
        timeoutMs: 60_000,
      });
      // Earlier deliveries are not replayed into the stream.
      expect(out).not.toContain(dead);
      follower.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      follower.kill("SIGKILL");
    }
  }, 180_000);

  it("says what is wrong and exits 1: unknown id, a wrong key, nobody listening; 2 on bad usage", async () => {
    const unknown = await cli(["deliveries", "show", "0190c0de-0000-7000-8000-000000000000"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 delivery_not_found/);
    const badKey = await cli(["deliveries", "list"], { TASKGATE_API_KEY: "not-a-key" });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/401 .*set TASKGATE_API_KEY/);
    expect(badKey.stderr).not.toContain("not-a-key");
    const nobody = await cli(["deliveries", "list", "--url", "http://127.0.0.1:41399"]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/cannot reach taskgate at http:\/\/127\.0\.0\.1:41399 \(ECONNREFUSED\)/);
    const replayUnknown = await cli([
      "deliveries",
      "replay",
      "0190c0de-0000-7000-8000-000000000000",
      delivered,
    ]);
    expect(replayUnknown.code).toBe(1);
    expect(replayUnknown.stderr).toMatch(/not replayed: 404 delivery_not_found/);
    for (const args of [
      ["deliveries"],
      ["deliveries", "frobnicate"],
      ["deliveries", "list", "--since", "yesterday"],
      ["deliveries", "list", "--status", "lost"],
      ["deliveries", "show"],
      ["deliveries", "replay"],
      ["deliveries", "replay", "--status", "pending"],
      ["deliveries", "replay", delivered, "--dry-run"],
      ["deliveries", "list", "--colour"],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("Usage: taskgate deliveries");
    }
    const help = await cli(["deliveries", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("taskgate deliveries replay --status dead --since 1h --dry-run");
  });

  it("purge counts on a dry run, then deletes what retention says, beside the running gateway", async () => {
    const dry = await taskgate(["purge", "--dry-run"], dir);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run: nothing is deleted.");
    expect(dry.stdout).toMatch(/^KIND\s+KEPT FOR\s+SETTLED BEFORE\s+WOULD DELETE$/m);
    expect(dry.stdout).toMatch(/^delivered\s+30d\s+\S+ \S+Z\s+0$/m);
    expect(dry.stdout).toMatch(/^ignored\s+7d\s/m);
    expect(dry.stdout).toMatch(/^audit\s+365d\s+\S+ \S+Z\s+0$/m);
    // A config over the same database that keeps settled deliveries and closed waits for 1 ms.
    const config = join(dir, "purge.json");
    writeFileSync(
      config,
      JSON.stringify({
        publicUrl: "https://taskgate.example.com",
        cdf: {
          baseUrl: "https://example.cognitedata.com",
          project: "p",
          auth: { type: "token", token: "t" },
        },
        storage: { kind: "sqlite", path: join(dir, "data", "taskgate.db") },
        signingKeys: [{ kid: "k", secret: "s".repeat(40) }],
        api: { keys: [{ name: "k", sha256: "0".repeat(64) }] },
        retention: { delivered: "1ms", dead: "1ms", waits: "1ms", audit: "1ms" },
      }),
    );
    const counted = await inProcess(runPurgeCommand, ["--dry-run", "--config", config]);
    expect(counted.stderr).toBe("");
    const would = Number(/^delivered\s+1ms\s+\S+ \S+Z\s+(\d+)$/m.exec(counted.stdout)?.[1]);
    expect(would).toBeGreaterThanOrEqual(2);
    const purged = await inProcess(runPurgeCommand, ["--config", config]);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(new RegExp(`^delivered\\s+1ms\\s+\\S+ \\S+Z\\s+${would}$`, "m"));
    expect(purged.stdout).toMatch(/^waits\s+1ms\s+\S+ \S+Z\s+[1-9]\d*$/m);
    expect(purged.stdout).toMatch(/row\(s\) deleted in \d+ ms/);
    // The audit log was purged behind a checkpoint, beside a gateway still writing to it.
    const auditWould = Number(/^audit\s+1ms\s+\S+ \S+Z\s+(\d+)$/m.exec(counted.stdout)?.[1]);
    expect(auditWould).toBeGreaterThanOrEqual(5);
    const auditDeleted = Number(/^audit\s+1ms\s+\S+ \S+Z\s+(\d+)$/m.exec(purged.stdout)?.[1]);
    expect(auditDeleted).toBeGreaterThanOrEqual(auditWould);
    const verified: string[] = [];
    const code = await runAuditCommand({
      sub: "verify",
      config,
      out: (l) => verified.push(l),
      err: (l) => verified.push(l),
    });
    expect(verified.join("\n")).toMatch(/^audit chain OK: \d+ entries verified from checkpoint at seq \d+ /);
    expect(code).toBe(0);
    expect((await c.api(`/v1/deliveries/${delivered}`)).status).toBe(404);
    // The gateway goes on serving from the same file.
    expect(((await (await c.api("/v1/deliveries")).json()) as { items: unknown[] }).items).toEqual([]);
    const bad = await inProcess(runPurgeCommand, ["--config", join(dir, "missing.json")]);
    expect(bad.code).toBe(2);
  }, 180_000);
});
