import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogger } from "../../test/support/capture-logger.js";
import { eventually } from "../../test/support/eventually.js";
import { interpolateEnv } from "../config/interpolate.js";
import type { TaskgateConfig } from "../config/schema.js";
import { SourcesSchema } from "../config/sources-schema.js";
import { createEmulator, type Emulator } from "../emulator/emulator.js";
import { type RunningGateway, startGateway } from "../node.js";
import { localConfig } from "./local-mode.js";
import { runSendCommand, runSendList, type SendArgs } from "./send-command.js";

const ROOT = join(import.meta.dirname, "..", "..");
const env = {
  GITHUB_WEBHOOK_SECRET: "It's a Secret to Everybody",
  STRIPE_WEBHOOK_SECRET: "whsec_test_secret_for_send",
  DOCUSIGN_HMAC_1: "docusign-hmac-key-one",
  DOCUSIGN_HMAC_2: "docusign-hmac-key-two",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  LIMS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};

/** The documented presets, plus a source whose key is computed (so --key has no plain path). */
function sources(): NonNullable<TaskgateConfig["sources"]> {
  const presets = interpolateEnv(JSON.parse(readFileSync(join(ROOT, "docs/presets.json"), "utf8")), env);
  expect(presets.problems).toEqual([]);
  return SourcesSchema.parse({
    ...(presets.value as object),
    jobs: {
      verify: { scheme: "hmac", secrets: ["jobs-secret-0123456789"], header: "x-signature" },
      correlationKey: "$uppercase(jobId)",
      status: "status",
      output: "result",
    },
  })!;
}

/**
 * `taskgate send` against a real local-mode gateway (CDF emulator inside) that also serves the
 * documented presets: the sample goes out signed with the provider's headers, the gateway's
 * answer and the local mapping preview are printed, and the emulator's task really completes.
 */
describe("taskgate send --event", () => {
  let dir: string;
  let gateway: RunningGateway;
  let emulator: Emulator;
  let config: TaskgateConfig;
  let out: string[];
  let err: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-send-"));
    const local = localConfig(dir, 0);
    config = { ...local, sources: { ...local.sources, ...sources() } };
    emulator = createEmulator();
    gateway = await startGateway({
      config,
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
  afterEach(() => vi.restoreAllMocks());

  async function send(
    args: Omit<SendArgs, "url">,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    out = [];
    err = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
    const code = await runSendCommand(config, { ...args, url: `${gateway.url}/hooks/${args.source}` });
    vi.restoreAllMocks();
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  }

  async function openWait(source: string, correlationKey: string): Promise<string> {
    const taskId = emulator.createExecution().executedTasks[0]!.id;
    const res = await fetch(`${gateway.url}/v1/waits`, {
      method: "POST",
      headers: { authorization: "Bearer local-dev-key", "content-type": "application/json" },
      body: JSON.stringify({ taskId, source, correlationKey }),
    });
    expect(res.status).toBe(201);
    return taskId;
  }

  it("GitHub workflow_run: X-GitHub-Event is set, --key goes where the source reads it, and the task completes", async () => {
    const taskId = await openWait("github-workflow-run", "777001");
    const r = await send({ source: "github-workflow-run", event: "workflow_run", key: "777001" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^POST http:\/\/\S+\/hooks\/github-workflow-run \(event workflow_run, correlation key "777001"\)\n202 Accepted\n\{"outcome":"queued"/,
    );
    expect(r.stdout).toContain("=> queued: an open wait took it");
    expect(r.stdout).toContain("taskgate sends to CDF (mapping run here):\n  status  COMPLETED\n");
    expect(r.stdout).toMatch(
      / {2}output {2}\{"conclusion":"success","runUrl":"https:\/\/github\.example\/[^"]+","headSha":"acb5820c/,
    );
    const task = await eventually(() => {
      const t = emulator.getTask(taskId)!;
      expect(t.status).toBe("COMPLETED");
      return t;
    });
    expect(task.output).toMatchObject({ conclusion: "success" });
  });

  it("a second send of the same event is a new event (fresh id and time), not a duplicate", async () => {
    const first = await send({
      source: "stripe-payment-intent",
      event: "payment_intent.payment_failed",
      key: "pi_send_1",
    });
    const second = await send({
      source: "stripe-payment-intent",
      event: "payment_intent.payment_failed",
      key: "pi_send_1",
    });
    for (const r of [first, second]) {
      expect(r.code).toBe(0);
      // No wait yet: parked, and the answer says why and until when.
      expect(r.stdout).toMatch(
        /=> parked: no open wait for source "stripe-payment-intent" and correlation key "pi_send_1": parked until \d{4}-/,
      );
      expect(r.stdout).toContain(
        "taskgate will send to CDF when a wait for this key takes it (mapping run here):\n  status  FAILED\n",
      );
    }
    const ids = [first, second].map((r) => /"deliveryId":"([^"]+)"/.exec(r.stdout)?.[1]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("Slack block actions go out as Slack's form (payload=JSON) and map from the button", async () => {
    const taskId = await openWait("slack-buttons", "req-send-3");
    const r = await send({ source: "slack-buttons", event: "block_actions.reject", key: "req-send-3" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('{"outcome":"queued"');
    expect(r.stdout).toContain(
      'status  FAILED_WITH_TERMINAL_ERROR\n  output  {"decision":"reject","decidedBy":"ana"}',
    );
    await eventually(() => expect(emulator.getTask(taskId)!.status).toBe("FAILED_WITH_TERMINAL_ERROR"));
  });

  it("--header overrides the sample's headers: GitHub's event header changed makes the webhook ignored, with the reason", async () => {
    const r = await send({
      source: "github-workflow-run",
      event: "workflow_run",
      key: "777002",
      headers: [["x-github-event", "push"]],
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('{"outcome":"ignored"');
    expect(r.stdout).toContain(
      "=> ignored: nothing goes to CDF: the source's status expression gave null for this payload (not for this source)",
    );
    expect(r.stdout).toContain("mapping (run here): ignored");
  });

  it("--body FILE is sent as written, and --key can be written into it", async () => {
    const file = join(dir, "lims.json");
    writeFileSync(file, JSON.stringify({ type: "sample.approved", data: { sampleId: "S-1", result: 3 } }));
    const taskId = await openWait("lims", "S-send-5");
    const r = await send({ source: "lims", bodyFile: file, key: "S-send-5" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(correlation key "S-send-5")');
    expect(r.stdout).toContain('{"outcome":"queued"');
    await eventually(() => expect(emulator.getTask(taskId)!.output).toMatchObject({ sampleId: "S-send-5" }));
  });

  it("--key with a computed correlationKey falls back to the sample's place and checks the expression reads it back", async () => {
    const ok = await send({ source: "jobs", event: "job.completed", key: "J-7" });
    expect(ok.stdout).toContain('(event job.completed, correlation key "J-7")');
    const refused = await send({ source: "jobs", event: "job.completed", key: "j-7" });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'taskgate send: --key "j-7" was written but the source\'s correlationKey ($uppercase(jobId)) reads "J-7"',
    );
  });

  it("usage errors exit 2 and list the source's events", async () => {
    const unknown = await send({ source: "docusign", event: "envelope-sent" });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no event "envelope-sent" for a docusign source; its events:\n {2}envelope-completed /,
    );
    expect((await send({ source: "docusign" })).stderr).toMatch(/give --event NAME or --body FILE/);
    expect((await send({ source: "docusign", event: "envelope-completed", bodyFile: "x.json" })).code).toBe(
      2,
    );
    expect((await send({ source: "nope", event: "x" })).stderr).toMatch(
      /no source "nope" in the config \(known: demo, /,
    );
  });

  it("--list names each source's events", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    expect(runSendList(config)).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/^demo \(standard-webhooks\):\n {2}demo\.completed /);
    expect(text).toMatch(
      /\ngithub-check-run \(github\):\n {2}workflow_run {2,}.*\n {2}workflow_run\.failure .*\n {2}check_run /,
    );
    expect(text).toMatch(/\nstripe-payment-intent \(stripe\):\n {2}payment_intent\.succeeded /);
  });
});
