import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogger } from "../../test/support/capture-logger.js";
import { tsxArgs } from "../../test/support/tsx.js";
import { createEmulator } from "../emulator/emulator.js";
import { type RunningGateway, startGateway } from "../node.js";
import { findLocalDataDir, localBanner, localConfig } from "./local-mode.js";

const run = promisify(execFile);

/** The banner's walkthrough step N, as pasted: its lines without the two-space indent. */
function step(banner: string, n: number): string {
  const start = banner.indexOf(`  # ${n}. `);
  const end = banner.indexOf("\n\n", start);
  return banner
    .slice(start, end)
    .split("\n")
    .map((l) => l.slice(2))
    .join("\n");
}

describe("local mode's banner", () => {
  let root: string;
  let gateway: RunningGateway;
  let banner: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "taskgate-banner-"));
    gateway = await startGateway({
      config: localConfig(join(root, "data"), 0),
      port: 0,
      emulator: createEmulator().app,
      derivePublicUrl: true,
      logger: captureLogger(),
    });
    banner = localBanner(gateway.url, join(root, "data"), "http://link");
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Pastes `script` into bash in a subdirectory of the checkout, `npx taskgate` being this CLI. */
  const shell = async (script: string) => {
    const cli = ["node", ...tsxArgs("src/cli/main.ts")].map((a) => `'${a}'`).join(" ");
    const cwd = join(root, "some", "where");
    mkdirSync(cwd, { recursive: true });
    const { stdout } = await run("bash", ["-eo", "pipefail", "-c", script.replaceAll("npx taskgate", cli)], {
      cwd,
      env: { ...process.env, TASKGATE_CONFIG: "", PORT: "" },
    });
    return stdout;
  };

  it("prints the mail catcher's address, and it is the console's mail view", async () => {
    expect(banner).toContain(`  mail catcher   ${gateway.url}/console/mail   (`);
    const res = await fetch(`${gateway.url}/console/mail`, { redirect: "manual" });
    // Behind the console's sign-in, like every console view: not a 404.
    expect([200, 302, 303]).toContain(res.status);
    expect(banner).toContain("  sign in once   http://link");
  });

  it("step 5 completes a task with `send --event`; its reruns say why they answer what they answer", async () => {
    const five = step(banner, 5);
    expect(five).toContain("npx taskgate send demo --event demo.completed --key order-1");
    const first = await shell(five);
    expect(first).toMatch(/"status":"open"/);
    expect(first).toContain("=> queued: an open wait took it");
    expect(first).toContain('status  COMPLETED\n  output  {"shipped":true,');

    // The send alone again: nothing waits for order-1 any more.
    const sendLine = five.split("\n").find((l) => l.startsWith("npx taskgate send"))!;
    const again = await shell(sendLine);
    expect(again).toMatch(
      /=> parked: no open wait for source "demo" and correlation key "order-1": parked until \d{4}-\d\d-\d\dT/,
    );

    // The whole step again: the new wait takes the webhook parked just now, and says so.
    const rerun = await shell(five);
    expect(rerun).toMatch(/"status":"closed"/);
    expect(rerun).toContain(
      '"detail":"a webhook parked earlier for source \\"demo\\" and correlation key \\"order-1\\" (delivery ',
    );
    expect(rerun).toContain("=> parked: no open wait for source");
  }, 120_000);

  it("send finds the gateway's data from any directory below it, and never makes a secret of its own", () => {
    expect(findLocalDataDir(join(root, "some", "where"))).toBe(join(root, "data"));
    expect(findLocalDataDir(tmpdir())).toBeUndefined();
  });
});
