import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localConfig } from "../src/cli/local-mode.js";
import { createEmulator } from "../src/emulator/emulator.js";
import { type RunningGateway, startGateway } from "../src/node.js";
import { captureLogger } from "./support/capture-logger.js";
import { tsxArgs } from "./support/tsx.js";

const run = promisify(execFile);
const README = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
const DOC_URL = "http://127.0.0.1:8080";

/** The fenced `sh` blocks of the README section under `heading` (up to the next `## `). */
function shBlocks(heading: string): string[] {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = README.indexOf("\n## ", start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/**
 * A doc test: the README's local-mode and approval walkthroughs, pasted into one shell as a reader
 * would (against a local-mode gateway on a free port), answer what the README says they answer.
 */
describe("README walkthroughs", () => {
  let dir: string;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-readme-"));
    gateway = await startGateway({
      // ./data, as `npm start` makes it: `npx taskgate send` finds the demo source's secret there.
      config: localConfig(join(dir, "data"), 0),
      port: 0,
      emulator: createEmulator().app,
      derivePublicUrl: true,
      logger: captureLogger(),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shell = async (script: string) => {
    // `npx taskgate` is this checkout's CLI, run from source.
    const cli = ["node", ...tsxArgs("src/cli/main.ts")].map((a) => `'${a}'`).join(" ");
    const pasted = script.replaceAll(DOC_URL, gateway.url).replaceAll("npx taskgate", cli);
    const { stdout } = await run("bash", ["-eo", "pipefail", "-c", pasted], {
      cwd: dir,
      env: { ...process.env, TASKGATE_CONFIG: "", PORT: "" },
    });
    return stdout;
  };

  it("the callback walkthrough completes its task, then the approval example opens a pending approval", async () => {
    const [walkthrough] = shBlocks("Local mode: a callback, end to end");
    const [approval] = shBlocks("Human approvals");
    expect(walkthrough).toContain("# 4.");
    // Step 4 reads the task back; the gateway forwards in the background, so give it a moment.
    const settled = walkthrough!.replace("# 4.", "sleep 1\n# 4.");
    const out = await shell(`${settled}\necho '--- approval'\n${approval}`);
    const [callback, approvalOut] = out.split("--- approval\n");
    // Step 3: → 202 {"outcome":"queued",...}
    expect(callback).toMatch(/\{"outcome":"queued",/);
    // Step 4: the task is COMPLETED in the emulator, with the output
    expect(callback).toMatch(/status: 'COMPLETED'/);
    expect(callback).toMatch(/approvedBy: 'me'/);
    // → 201 {"id", "status": "pending", "links": [{"email", "url"}, ...], "expiresAt", "notify", ...}
    const created = JSON.parse(approvalOut!);
    // Local mode mails approvals to its mail catcher (the console shows them), so notify defaults to true.
    expect(created).toMatchObject({ status: "pending", notify: true });
    expect(created.links.map((l: { email: string }) => l.email)).toEqual([
      "ada@example.com",
      "bo@example.com",
    ]);
  });

  it("running a walkthrough step again on the finished task is refused with a reason, not dead-lettered", async () => {
    const [walkthrough] = shBlocks("Local mode: a callback, end to end");
    const step2 = walkthrough!.slice(walkthrough!.indexOf("# 2."), walkthrough!.indexOf("# 3."));
    const steps1to3 = walkthrough!.slice(0, walkthrough!.indexOf("# 4."));
    const again = step2.replace(/CALLBACK=\$\(([\s\S]*?) \| node -pe[^\n]*\)\n/, "$1\n");
    const out = await shell(`${steps1to3}\nsleep 1\necho\n${again}`);
    expect(out).toMatch(/"code":"task_not_in_progress"/);
  });

  it("step 5 sends the demo source a signed sample event that completes its task, and says what goes to CDF", async () => {
    const [, five] = shBlocks("Local mode: a callback, end to end");
    expect(five).toContain("npx taskgate send demo --event demo.completed --key order-1");
    const out = await shell(five!);
    // → POST http://127.0.0.1:8080/hooks/demo (event demo.completed, correlation key "order-1")
    expect(out).toContain(`POST ${gateway.url}/hooks/demo (event demo.completed, correlation key "order-1")`);
    expect(out).toMatch(
      /202 Accepted\n\{"outcome":"queued","deliveryId":"[^"]+"\}\n=> queued: an open wait took it/,
    );
    expect(out).toContain(
      'taskgate sends to CDF (mapping run here):\n  status  COMPLETED\n  output  {"shipped":true,"carrier":"DHL","trackingNumber":"JD014600006281230"}',
    );
  }, 120_000);
});
