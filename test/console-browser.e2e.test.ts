import type { Browser, BrowserContext, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_API_KEY } from "../src/cli/local-mode.js";
import { chromiumSkipReason, launchChromium } from "./support/chromium.js";
import { type ConsoleDemo, startConsoleDemo } from "./support/console-demo.js";

const skipReason = chromiumSkipReason();

/** Every console view, as the sidebar links them. */
const VIEWS = [
  ["Overview", "/console"],
  ["Waits", "/console/waits"],
  ["Approvals", "/console/approvals"],
  ["Deliveries", "/console/deliveries"],
  ["Dead letters", "/console/dead-letters"],
  ["Parked callbacks", "/console/parked"],
  ["Rejected requests", "/console/rejections"],
  ["Mail catcher", "/console/mail"],
] as const;

/**
 * The console in real Chromium against a local-mode taskgate (the CDF emulator inside): sign-in by
 * key and by the one-time link, every view without a CSP or script error, a dead letter replayed
 * by keyboard all the way to the emulator, a forged form refused, and the mail catcher's frame.
 */
describe.skipIf(skipReason !== null)(
  `console in a real browser${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  // A browser on a shared, busy machine: a whole walk through the views may take a while.
  { timeout: 60_000 },
  () => {
    let demo: ConsoleDemo;
    let browser: Browser;
    let context: BrowserContext;
    /** CSP violations, script errors and failed loads, per page. */
    const problemsOf = new WeakMap<Page, string[]>();

    beforeAll(async () => {
      [demo, browser] = await Promise.all([startConsoleDemo(), launchChromium()]);
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(8_000);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await demo?.close();
    });

    async function newPage(): Promise<Page> {
      const page = await context.newPage();
      const problems: string[] = [];
      problemsOf.set(page, problems);
      page.on("console", (m: ConsoleMessage) => {
        if (m.type() === "error" || /content security policy|refused to/i.test(m.text()))
          problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      return page;
    }

    async function signIn(page: Page, key = LOCAL_API_KEY): Promise<void> {
      await page.goto(`${demo.url}/console/login`);
      await page.getByLabel("API key").fill(key);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForLoadState("domcontentloaded");
    }

    it("refuses a wrong key and signs in with the right one", async () => {
      const page = await newPage();
      await page.goto(`${demo.url}/console/deliveries`);
      expect(new URL(page.url()).pathname).toBe("/console/login");
      await signIn(page, "not-a-key");
      await expect(page.getByRole("alert").textContent()).resolves.toContain("That key is not valid");
      await signIn(page);
      expect(new URL(page.url()).pathname).toBe("/console");
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Overview");
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === "taskgate_console");
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      await page.close();
    });

    it("renders every view from the sidebar, with no CSP or script error", async () => {
      const page = await newPage();
      for (const [heading, path] of VIEWS) {
        await page.goto(`${demo.url}/console`);
        await page
          .getByRole("navigation", { name: "Console" })
          .getByRole("link", { name: heading.split(" ")[0]!, exact: false })
          .first()
          .click();
        await page.waitForLoadState("domcontentloaded");
        expect(new URL(page.url()).pathname, heading).toBe(path);
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(heading);
      }
      await page.goto(`${demo.url}/console/waits/${demo.seeded.openWait.id}`);
      await expect(page.getByText(demo.seeded.openWait.taskId).count()).resolves.toBeGreaterThan(0);
      await page.goto(`${demo.url}/console/approvals/${demo.seeded.approvalId}`);
      // The comment stands in the approvers table and in the decision's history entry.
      await expect(
        page.getByRole("table", { name: "Approvers" }).getByText("Vibration trend looks normal.").count(),
      ).resolves.toBe(1);
      await expect(
        page.getByRole("region", { name: "History" }).getByText("Vibration trend looks normal.").count(),
      ).resolves.toBe(1);
      await page.goto(`${demo.url}/console/deliveries/${demo.seeded.deadLetters[0]}`);
      await expect(page.getByText("not in a state that accepts updates").count()).resolves.toBeGreaterThan(0);
      // Its history: the callback, then the attempt CDF refused, in words.
      const history = page.getByRole("region", { name: "History" });
      await expect(history.getByText("Callback received: COMPLETED").count()).resolves.toBe(1);
      await expect(history.getByText("Attempt 1: given up (dead letter)").count()).resolves.toBe(1);
      expect(problemsOf.get(page)).toEqual([]);
      await page.close();
    });

    it("shows a webhook refused for its signature in the rejected requests, and filters by code", async () => {
      const refused = await fetch(`${demo.url}/hooks/demo`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "browser-test-sender",
          "webhook-id": "msg_rejected_1",
          "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
          "webhook-signature": "v1,bm90LWEtcmVhbC1zaWduYXR1cmUtYXQtYWxsLW5vLXdheQ==",
        },
        body: '{"correlationKey":"never-stored"}',
      });
      expect(refused.status).toBe(401);
      const page = await newPage();
      await page.goto(`${demo.url}/console/rejections`);
      // The log writes in batches (every 250 ms): reload until the row is there.
      await demo.waitFor("the rejection to be listed", async () => {
        await page.reload();
        return (await page.getByText("browser-test-sender").count()) > 0 ? true : undefined;
      });
      const row = page.getByRole("row", { name: /browser-test-sender/ });
      await expect(row.getByText("signature_invalid").count()).resolves.toBe(1);
      await expect(row.getByText("demo").count()).resolves.toBe(1);
      await expect(page.content()).resolves.not.toContain("bm90LWEtcmVhbC1zaWduYXR1cmU");
      // Filter by keyboard: type a code into the field and press Enter.
      await page.getByLabel("Code").fill("token_invalid");
      await page.getByLabel("Code").press("Enter");
      await page.waitForLoadState("domcontentloaded");
      expect(new URL(page.url()).searchParams.get("code")).toBe("token_invalid");
      await expect(page.getByText("No rejected request matches these filters").count()).resolves.toBe(1);
      expect(problemsOf.get(page)).toEqual([]);
      await page.close();
    });

    it("shows a caught mail as the approver sees it, in a sandboxed frame, and as text", async () => {
      const page = await newPage();
      await page.goto(`${demo.url}/console/mail`);
      await page
        .getByRole("link", { name: /Restart pump P-101/ })
        .first()
        .click();
      await page.waitForLoadState("domcontentloaded");
      const frame = page.frameLocator("iframe.mail-frame");
      await expect(
        frame.getByText("Restart pump P-101 after service").first().textContent(),
      ).resolves.toContain("Restart pump");
      await expect(page.locator("pre").textContent()).resolves.toContain("/a/");
      expect(await page.locator("iframe.mail-frame").getAttribute("sandbox")).not.toContain("allow-scripts");
      expect(problemsOf.get(page)).toEqual([]);
      await page.close();
    });

    it("replays a dead letter from the keyboard, and the emulator receives the update", async () => {
      const { deliveryId, taskId } = await demo.deadLetter();
      const page = await newPage();
      await page.goto(`${demo.url}/console/dead-letters`);
      const button = page.getByRole("button", { name: `Replay delivery ${deliveryId}` });
      await expect(button.count()).resolves.toBe(1);
      // Tab from the top of the page until the focus is on this row's Replay button, then press Enter.
      await page.locator("body").focus();
      let focused = false;
      for (let i = 0; i < 80 && !focused; i++) {
        await page.keyboard.press("Tab");
        focused =
          (await page.evaluate("document.activeElement?.getAttribute('aria-label')")) ===
          `Replay delivery ${deliveryId}`;
      }
      expect(focused).toBe(true);
      await Promise.all([page.waitForURL(/done=replayed/), page.keyboard.press("Enter")]);
      await expect(page.getByRole("status").textContent()).resolves.toContain("Queued again");
      const task = await demo.waitFor("the task to complete in the emulator", () => {
        const t = demo.emulator.getTask(taskId);
        return t?.status === "COMPLETED" ? t : undefined;
      });
      expect(task.output).toMatchObject({ ticket: 4711 });
      await page.goto(`${demo.url}/console/deliveries/${deliveryId}`);
      await expect(page.getByText("delivered").first().textContent()).resolves.toBe("delivered");
      await page.close();
    });

    it("refuses a form with a forged CSRF token (403) and changes nothing", async () => {
      const { deliveryId } = await demo.deadLetter();
      const page = await newPage();
      await page.goto(`${demo.url}/console/dead-letters`);
      await page
        .locator(`form[action="/console/deliveries/${deliveryId}/replay"] input[name=csrf]`)
        .evaluate((el) => {
          (el as unknown as { value: string }).value = "forged";
        });
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: `Replay delivery ${deliveryId}` }).click(),
      ]);
      expect(response.status()).toBe(403);
      await expect(page.getByRole("alert").textContent()).resolves.toContain("reload the page");
      const res = await demo.api(`/v1/deliveries/${deliveryId}`);
      expect(((await res.json()) as { status: string }).status).toBe("dead");
      await page.close();
    });

    it("signs in once with the local one-time link, and signs out", async () => {
      const fresh = await browser.newContext();
      const page = await fresh.newPage();
      const link = await demo.gateway.consoleSignInLink!();
      await page.goto(link);
      expect(new URL(page.url()).pathname).toBe("/console");
      await page.getByRole("button", { name: "Sign out" }).first().click();
      await page.waitForURL(/\/console\/login\?out=1/);
      await page.goto(link);
      expect(new URL(page.url()).pathname).toBe(new URL(link).pathname);
      await expect(page.getByRole("alert").textContent()).resolves.toContain("used already");
      await fresh.close();
    });
  },
);
