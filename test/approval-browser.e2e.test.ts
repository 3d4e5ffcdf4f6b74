import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, ConsoleMessage, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_CSP } from "../src/http/pages/headers.js";
import { type CdfEmulator, type RequestLogEntry, updatesOf } from "./support/cdf.js";
import { chromiumSkipReason, launchChromium } from "./support/chromium.js";
import { eventually } from "./support/eventually.js";
import type { GatewayConfigFile } from "./support/gateway-config.js";
import type { InProcessGateway } from "./support/gateways.js";
import { Resources } from "./support/resources.js";
import { type ReceivedMail, type SmtpSink, startSmtpSink } from "./support/smtp-sink.js";
import type { TaskgateApi } from "./support/taskgate-api.js";

const ARTIFACTS = fileURLToPath(new URL("../test-results/artifacts/", import.meta.url));
/** The README links these; `npm run screenshots` writes every page state there too. */
const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
const SIZES = [
  { suffix: "", width: 1280, height: 800 },
  { suffix: "-phone", width: 390, height: 844 },
] as const;
const FROM = "Taskgate <taskgate@example.test>";
const ADA = { email: "ada@example.test", name: "Ada Lovelace" };
const BO = { email: "bo@example.test" };
const DESCRIPTION = [
  "The **P-101** pump was serviced on Monday.",
  "",
  "- check the `vibration` trend first",
  "- then approve the restart",
].join("\n");

interface CreatedApproval {
  id: string;
  status: string;
  notify: boolean;
  links: { email: string; url: string }[];
}

interface ApprovalDecisionView {
  email: string;
  name: string | null;
  decision: string;
  comment: string | null;
  ip: string | null;
  userAgent: string | null;
}

interface ApprovalView {
  status: string;
  decisions: ApprovalDecisionView[];
  mails?: { email: string; status: string }[];
}

const skipReason = chromiumSkipReason();

/**
 * The approval flow end to end with real parts: the gateway sends its mails to a real SMTP
 * server, the links are read out of the messages, headless Chromium (Debian's, driven by
 * playwright-core) opens them and presses the buttons, and the CDF emulator on its own port
 * records what taskgate told CDF. Screenshots land in test-results/artifacts/.
 */
describe.skipIf(skipReason !== null)(
  `approvals in a real browser${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    const resources = new Resources();
    let cdf: CdfEmulator;
    let sink: SmtpSink;
    let gw: InProcessGateway;
    let api: TaskgateApi;
    let browser: Browser;
    let context: BrowserContext;
    let attacker: { origins: string[] };

    beforeAll(async () => {
      browser = await launchChromium();
      resources.defer(() => browser.close());
      cdf = await resources.cdf();
      sink = await startSmtpSink();
      resources.defer(() => sink.close());
      const config = withSmtp(resources.config({ cdfUrl: cdf.url, project: cdf.project }), sink);
      gw = await resources.inProcessGateway(config);
      api = gw.api;
      attacker = await startAttackerSite(resources);
      context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      context.setDefaultTimeout(5_000);
      context.setDefaultNavigationTimeout(5_000);
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(() => resources.cleanup());

    async function createApproval(body: Record<string, unknown>): Promise<CreatedApproval> {
      const res = await api.request<CreatedApproval>("POST", "/v1/approvals", body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    }

    async function approval(id: string): Promise<ApprovalView> {
      const res = await api.request<ApprovalView>("GET", `/v1/approvals/${id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    }

    async function taskUpdates(taskId: string): Promise<RequestLogEntry[]> {
      return updatesOf(await cdf.requests(), taskId);
    }

    /** Waits for CDF's single update of the task, then makes sure no second one follows. */
    async function theOnlyUpdate(taskId: string): Promise<RequestLogEntry> {
      const update = await eventually(
        async () => {
          const updates = await taskUpdates(taskId);
          expect(updates).toHaveLength(1);
          expect(updates[0]!.status).toBe(200);
          return updates[0]!;
        },
        { timeoutMs: 10_000, what: `one task update for ${taskId} in CDF` },
      );
      await delay(500);
      expect(await taskUpdates(taskId)).toHaveLength(1);
      return update;
    }

    /** Presses a button on the page and returns the answer to the form's POST. */
    async function press(page: Page, button: "Approve" | "Reject"): Promise<Response> {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/a/")),
        page.getByRole("button", { name: button }).click(),
      ]);
      await page.waitForLoadState("domcontentloaded");
      return response;
    }

    /** Opens a link in a new tab, collecting console errors and the stylesheet's status. */
    async function openPage(link: string) {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      const stylesheets: number[] = [];
      page.on("response", (r) => {
        if (r.url().endsWith("/a/assets/page.css")) stylesheets.push(r.status());
      });
      page.on("console", (m: ConsoleMessage) => {
        if (m.type() === "error" || /content security policy|refused to/i.test(m.text()))
          consoleErrors.push(`${m.text()} (${m.location().url})`);
      });
      page.on("pageerror", (e) => consoleErrors.push(e.message));
      const response = await page.goto(link);
      if (!response) throw new Error(`no response for ${link}`);
      return { page, response, consoleErrors, stylesheets };
    }

    const h1 = (page: Page) => page.getByRole("heading", { level: 1 });

    it("two approvers, policy all: mails arrive, scanners change nothing, both click Approve in Chromium, CDF gets one COMPLETED update with both decisions", async () => {
      const title = "Restart pump P-101 after maintenance";
      const { executionId, taskId } = await cdf.newTask();
      const mailsBefore = sink.messages.length;
      const created = await createApproval({
        taskId,
        title,
        description: DESCRIPTION,
        approvers: [ADA, BO],
        policy: { kind: "all" },
      });
      expect(created).toMatchObject({ status: "pending", notify: true });
      expect(created.links.map((l) => l.email)).toEqual([ADA.email, BO.email]);

      // The mails: one per approver, each with its own link, the one the API answered with.
      const mails = (await sink.waitFor(mailsBefore + 2, 10_000)).slice(mailsBefore);
      const links: string[] = [];
      for (const [i, approver] of [ADA, BO].entries()) {
        const mail = mails.find((m) => m.to.includes(approver.email));
        if (!mail) throw new Error(`no mail to ${approver.email}: ${mails.map((m) => m.to).join("; ")}`);
        expect(mail.to).toEqual([approver.email]);
        expect(mail.headers.get("from")).toContain("taskgate@example.test");
        expect(mail.subject).toContain(title);
        expect(mail.text).not.toBe("");
        expect(mail.html).not.toBe("");
        const link = linkIn(mail, gw.url);
        expect(link).toBe(created.links[i]!.url);
        expect(mail.html).toContain(link);
        links.push(link);
      }
      expect(mails.find((m) => m.to.includes(ADA.email))!.headers.get("to")).toContain("Ada Lovelace");
      const [adaLink, boLink] = links as [string, string];

      // Mail scanners open every link (GET, and some HEAD): nothing may change.
      for (const link of links) {
        for (let i = 0; i < 5; i++) {
          const res = await fetch(link, { signal: AbortSignal.timeout(5_000) });
          expect(res.status).toBe(200);
          expect(await res.text()).toContain(title);
        }
        const head = await fetch(link, { method: "HEAD", signal: AbortSignal.timeout(5_000) });
        expect(head.status).toBe(200);
        expect(await head.text()).toBe("");
      }
      expect(await approval(created.id)).toMatchObject({ status: "pending", decisions: [] });
      expect(await taskUpdates(taskId)).toHaveLength(0);

      // Ada opens her link in Chromium.
      const ada = await openPage(adaLink);
      expect(ada.response.status()).toBe(200);
      const headers = ada.response.headers();
      expect(headers["content-security-policy"]).toBe(PAGE_CSP);
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["cache-control"]).toBe("no-store");
      expect(await ada.page.title()).toBe(`${title} – taskgate`);
      expect(await h1(ada.page).textContent()).toBe(title);
      expect(await h1(ada.page).isVisible()).toBe(true);
      expect(await ada.page.locator(".description strong").textContent()).toBe("P-101");
      expect(await ada.page.getByText("You are answering as").textContent()).toContain("Ada Lovelace");
      expect(ada.stylesheets).toEqual([200]);
      // The stylesheet applied under the CSP: the Approve button is not the browser's default grey.
      const approveBg = await inPage<string>(
        ada.page,
        "getComputedStyle(document.querySelector('.button-approve')).backgroundColor",
      );
      expect(approveBg).not.toBe("rgb(239, 239, 239)");
      expect(approveBg).not.toBe("rgba(0, 0, 0, 0)");
      await ada.page.screenshot({ path: `${ARTIFACTS}approval-page.png`, fullPage: true });

      // The same page at 320 px: nothing wider than the screen.
      await ada.page.setViewportSize({ width: 320, height: 640 });
      expect(await inPage<number>(ada.page, "document.documentElement.scrollWidth")).toBeLessThanOrEqual(320);
      await ada.page.screenshot({ path: `${ARTIFACTS}approval-page-mobile.png`, fullPage: true });
      await ada.page.setViewportSize({ width: 1024, height: 768 });

      // Keyboard: from the comment, Tab reaches Approve, and the focus is visible.
      const comment = "Vibration trend is normal.\nGo ahead.";
      await ada.page.getByLabel("Comment (optional)").fill(comment);
      await ada.page.keyboard.press("Tab");
      expect((await ada.page.locator(":focus-visible").textContent())?.trim()).toBe("Approve");
      const form = await ada.page.locator("form").boundingBox();
      if (!form) throw new Error("the form is not laid out");
      // With a margin: the focus ring is drawn outside the button, at the form's edge.
      const clip = { x: form.x - 12, y: form.y - 12, width: form.width + 24, height: form.height + 24 };
      await ada.page.screenshot({ path: `${ARTIFACTS}approval-focus.png`, clip });

      const adaAnswer = await press(ada.page, "Approve");
      expect(adaAnswer.status()).toBe(200);
      expect((await adaAnswer.request().allHeaders())["sec-fetch-site"]).toBe("same-origin");
      expect(await h1(ada.page).textContent()).toBe("Your decision is recorded");
      const notice = await ada.page.locator(".notice").textContent();
      expect(notice).toContain("You approved this request");
      expect(notice).toContain("It now waits for the other approvers.");
      expect(await ada.page.locator(".outcome").textContent()).toContain("Waiting for decisions");
      expect(await ada.page.getByRole("button", { name: "Approve" }).count()).toBe(0);
      await ada.page.screenshot({ path: `${ARTIFACTS}approval-recorded.png`, fullPage: true });
      expect(ada.consoleErrors).toEqual([]);

      // One of two: still pending, CDF not told.
      const halfway = await approval(created.id);
      expect(halfway.status).toBe("pending");
      expect(halfway.decisions.map((d) => [d.email, d.decision, d.comment])).toEqual([
        [ADA.email, "approve", comment],
      ]);
      expect(await taskUpdates(taskId)).toHaveLength(0);

      // Bo approves: the outcome.
      const bo = await openPage(boLink);
      expect(bo.response.status()).toBe(200);
      expect(await bo.page.locator(".decisions").textContent()).toContain("Ada Lovelace");
      const boAnswer = await press(bo.page, "Approve");
      expect(boAnswer.status()).toBe(200);
      expect(await h1(bo.page).textContent()).toBe("Your decision is recorded");
      expect(await bo.page.locator(".notice").textContent()).toContain("Its outcome: approved.");
      expect(await bo.page.locator(".outcome").textContent()).toContain("Outcome: Approved");
      await bo.page.screenshot({ path: `${ARTIFACTS}approval-approved.png`, fullPage: true });
      expect(bo.consoleErrors).toEqual([]);

      // CDF: exactly one update, COMPLETED, both decisions in order, Ada's comment.
      const update = await theOnlyUpdate(taskId);
      expect(update.body).toMatchObject({
        status: "COMPLETED",
        output: {
          approval: {
            id: created.id,
            outcome: "approved",
            decisions: [
              {
                email: ADA.email,
                name: ADA.name,
                decision: "approve",
                comment,
                decidedAt: expect.any(Number),
              },
              { email: BO.email, decision: "approve", decidedAt: expect.any(Number) },
            ],
          },
          taskgate: { source: "approval", approvalId: created.id },
        },
      });
      const sent = update.body as { output: { approval: { decisions: Record<string, unknown>[] } } };
      expect(sent.output.approval.decisions).toHaveLength(2);
      expect(sent.output.approval.decisions[1]).not.toHaveProperty("comment");
      expect((await cdf.task(taskId)).status).toBe("COMPLETED");
      expect((await cdf.execution(executionId)).executedTasks.find((t) => t.id === taskId)?.status).toBe(
        "COMPLETED",
      );

      // What taskgate recorded: the outcome, who decided from where and with what, both mails sent.
      const final = await approval(created.id);
      expect(final.status).toBe("approved");
      expect(final.decisions.map((d) => d.email)).toEqual([ADA.email, BO.email]);
      for (const d of final.decisions) {
        expect(d.ip).toMatch(/127\.0\.0\.1/);
        expect(d.userAgent).toMatch(/Chrome\//);
      }
      expect(final.mails?.map((m) => [m.email, m.status])).toEqual([
        [ADA.email, "sent"],
        [BO.email, "sent"],
      ]);
      await Promise.all([ada.page.close(), bo.page.close()]);
    });

    it("a rejection in the browser under 'all' fails the task", async () => {
      const { taskId } = await cdf.newTask();
      const created = await createApproval({
        taskId,
        title: "Raise the alarm threshold on line 3",
        approvers: [ADA, BO],
        policy: { kind: "all" },
        notify: false,
      });
      const [adaLink, boLink] = created.links.map((l) => l.url) as [string, string];

      const bo = await openPage(boLink);
      await bo.page.getByLabel("Comment (optional)").fill("Not before the audit.");
      const answer = await press(bo.page, "Reject");
      expect(answer.status()).toBe(200);
      expect(await h1(bo.page).textContent()).toBe("Your decision is recorded");
      expect(await bo.page.locator(".notice").textContent()).toContain("You rejected this request");
      expect(await bo.page.locator(".outcome").textContent()).toContain("Outcome: Rejected");

      const update = await theOnlyUpdate(taskId);
      expect(update.body).toMatchObject({
        status: "FAILED_WITH_TERMINAL_ERROR",
        output: {
          approval: {
            id: created.id,
            outcome: "rejected",
            decisions: [{ email: BO.email, decision: "reject", comment: "Not before the audit." }],
          },
        },
      });
      expect((await cdf.task(taskId)).status).toBe("FAILED_WITH_TERMINAL_ERROR");

      // Ada's link now only shows the outcome.
      const ada = await openPage(adaLink);
      expect(ada.response.status()).toBe(200);
      expect(await h1(ada.page).textContent()).toBe("This request is already decided");
      expect(await ada.page.locator(".outcome").textContent()).toContain("Outcome: Rejected");
      expect(await ada.page.getByRole("button", { name: "Approve" }).count()).toBe(0);
      expect(await ada.page.getByRole("button", { name: "Reject" }).count()).toBe(0);
      expect(await ada.page.locator("textarea").count()).toBe(0);
      await ada.page.screenshot({ path: `${ARTIFACTS}approval-closed.png`, fullPage: true });
      expect([...bo.consoleErrors, ...ada.consoleErrors]).toEqual([]);
      expect((await approval(created.id)).status).toBe("rejected");
      await Promise.all([ada.page.close(), bo.page.close()]);
    });

    it("a cross-site form post from another origin is refused in a real browser", async () => {
      const { taskId } = await cdf.newTask();
      const created = await createApproval({
        taskId,
        title: "Drain tank T-7",
        approvers: [ADA],
        policy: { kind: "any" },
        notify: false,
      });
      const link = created.links[0]!.url;

      // The same page on another port of the same host (same-site) and on another host (cross-site).
      for (const origin of attacker.origins) {
        const page = await context.newPage();
        const [answer] = await Promise.all([
          page.waitForResponse((r) => r.url() === link && r.request().method() === "POST"),
          page.goto(`${origin}/?to=${encodeURIComponent(link)}`, { waitUntil: "commit" }),
        ]);
        await page.waitForURL(link);
        await page.waitForLoadState("domcontentloaded");
        const site = (await answer.request().allHeaders())["sec-fetch-site"];
        expect(site, origin).toBe(origin.includes("localhost") ? "cross-site" : "same-site");
        expect(answer.status(), origin).toBe(403);
        expect(await h1(page).textContent()).toBe("Your decision was not accepted");
        expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
        if (origin.includes("localhost"))
          await page.screenshot({ path: `${ARTIFACTS}cross-site-refused.png`, fullPage: true });
        await page.close();
      }

      expect(await approval(created.id)).toMatchObject({ status: "pending", decisions: [] });
      expect(await taskUpdates(taskId)).toHaveLength(0);
    });

    /** Presses a button without a browser (the page's form does the same POST). */
    async function decideByForm(link: string, decision: "approve" | "reject"): Promise<void> {
      const res = await fetch(link, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
        body: new URLSearchParams({ decision }).toString(),
        signal: AbortSignal.timeout(5_000),
      });
      expect(res.status).toBe(200);
    }

    /** A page at one size in its own context (a phone is a different viewport, not a resized desktop). */
    async function at(size: (typeof SIZES)[number], url: string): Promise<Page> {
      const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      ctx.setDefaultTimeout(5_000);
      resources.defer(() => ctx.close());
      const page = await ctx.newPage();
      const res = await page.goto(url);
      expect(res?.status()).toBeLessThan(500);
      return page;
    }

    it("the mail, rendered in Chromium: one visible button to the approver's own page, Markdown rendered, a text part with the same facts", async () => {
      const { taskId } = await cdf.newTask();
      const mailsBefore = sink.messages.length;
      const created = await createApproval({
        taskId,
        title: "Restart pump P-101 after maintenance",
        description: DESCRIPTION,
        requestedBy: { name: "Grace Hopper", email: "grace@example.test" },
        approvers: [ADA, BO],
        ttl: "24h",
      });
      const mails = (await sink.waitFor(mailsBefore + 2, 10_000)).slice(mailsBefore);
      const mail = mails.find((m) => m.to.includes(ADA.email))!;
      const link = created.links[0]!.url;

      // The text part: the same facts and the link.
      for (const fact of [
        "Hello Ada Lovelace,",
        "Grace Hopper asks for your decision.",
        "Restart pump P-101 after maintenance",
        "Decide within 23 hours, by ",
        "Requested by: Grace Hopper <grace@example.test>",
        `Workflow task: task id ${taskId}`,
        "The first approver to answer decides.",
        "- check the `vibration` trend first",
        link,
      ])
        expect(mail.text).toContain(fact);
      expect(mail.text).toMatch(/Expires: \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 23 hours\)/);
      expect(mail.html).not.toMatch(/<link |<img |@import|url\(/i);

      mkdirSync(SCREENSHOTS, { recursive: true });
      for (const size of SIZES) {
        const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height } });
        resources.defer(() => ctx.close());
        const page = await ctx.newPage();
        // Mail clients load nothing from elsewhere; neither may the mail.
        const requests: string[] = [];
        page.on("request", (r) => {
          if (!r.url().startsWith("data:")) requests.push(r.url());
        });
        await page.setContent(mail.html);
        const button = page.getByRole("link", { name: "Review and decide" });
        expect(await button.isVisible()).toBe(true);
        expect(await button.getAttribute("href")).toBe(link);
        const box = await button.boundingBox();
        if (!box) throw new Error("the button is not laid out");
        expect(box.y + box.height).toBeLessThanOrEqual(size.height);
        expect(box.height).toBeGreaterThanOrEqual(44);
        expect(await inPage<number>(page, "document.documentElement.scrollWidth")).toBeLessThanOrEqual(
          size.width,
        );
        expect(await page.locator("strong", { hasText: "P-101" }).count()).toBe(1);
        expect(await page.locator("code", { hasText: "vibration" }).count()).toBe(1);
        expect(await page.locator("text=**").count()).toBe(0);
        await page.screenshot({ path: `${SCREENSHOTS}approval-email${size.suffix}.png`, fullPage: true });
        expect(requests).toEqual([]);
      }

      // Dark mode: the card goes dark and its text light, so it stays readable.
      const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
      resources.defer(() => dark.close());
      const darkPage = await dark.newPage();
      await darkPage.setContent(mail.html);
      const [bg, fg] = await Promise.all([
        inPage<string>(darkPage, "getComputedStyle(document.querySelector('.tg-card')).backgroundColor"),
        inPage<string>(darkPage, "getComputedStyle(document.querySelector('h1')).color"),
      ]);
      expect(luminance(fg) - luminance(bg)).toBeGreaterThan(0.5);
    }, 90_000);

    it("the buttons are above the fold at 1280×800 and 390×844, and dates stay on one line on a phone", async () => {
      const { taskId } = await cdf.newTask();
      const created = await createApproval({
        taskId,
        title: "Restart pump P-101 after maintenance and recalibrate the flow meter",
        description: `${DESCRIPTION}\n\n${"A long paragraph of background that the approver may want to read. ".repeat(20)}`,
        requestedBy: { name: "Grace Hopper", email: "grace@example.test" },
        approvers: [ADA, BO, { email: "cy@example.test" }],
        policy: { kind: "quorum", count: 2 },
        notify: false,
      });
      await decideByForm(created.links[1]!.url, "approve");
      for (const size of SIZES) {
        const page = await at(size, created.links[0]!.url);
        expect(await page.getByText("Grace Hopper asks for your decision").isVisible()).toBe(true);
        for (const name of ["Approve", "Reject"]) {
          const box = await page.getByRole("button", { name }).boundingBox();
          if (!box) throw new Error(`${name} is not laid out`);
          expect(box.y, `${name} at ${size.width}`).toBeGreaterThanOrEqual(0);
          expect(box.y + box.height, `${name} at ${size.width}`).toBeLessThanOrEqual(size.height);
          expect(box.x + box.width).toBeLessThanOrEqual(size.width);
        }
        if (size.width < 400) {
          const lineHeights = await inPage<{ height: number; line: number }[]>(
            page,
            "[...document.querySelectorAll('time')].map((t) => ({ height: t.getBoundingClientRect().height, line: parseFloat(getComputedStyle(t).lineHeight) }))",
          );
          expect(lineHeights.length).toBeGreaterThan(2);
          for (const { height, line } of lineHeights) expect(height).toBeLessThanOrEqual(line + 1);
          expect(await inPage<number>(page, "document.documentElement.scrollWidth")).toBeLessThanOrEqual(
            size.width,
          );
        }
      }
    }, 90_000);

    it("the state banner's colour follows the decision: green approved, red rejected, amber expired, grey closed", async () => {
      const banner = async (url: string) => {
        const page = await at(SIZES[0], url);
        return {
          text: (await page.locator(".notice").textContent()) ?? "",
          border: await inPage<string>(
            page,
            "getComputedStyle(document.querySelector('.notice')).borderColor",
          ),
          background: await inPage<string>(
            page,
            "getComputedStyle(document.querySelector('.notice')).backgroundColor",
          ),
        };
      };
      const single = async (title: string) => {
        const { taskId } = await cdf.newTask();
        return createApproval({
          taskId,
          title,
          approvers: [ADA, BO],
          policy: { kind: "any" },
          notify: false,
        });
      };
      const approved = await single("Approve me");
      await decideByForm(approved.links[0]!.url, "approve");
      const rejected = await single("Reject me");
      await decideByForm(rejected.links[0]!.url, "reject");

      const green = await banner(approved.links[0]!.url);
      const red = await banner(rejected.links[0]!.url);
      const closed = await banner(rejected.links[1]!.url);
      expect(green.text).toContain("You approved");
      expect(hue(green.border)).toBe("green");
      expect(hue(green.background)).toBe("green");
      expect(red.text).toContain("You rejected");
      expect(hue(red.border)).toBe("red");
      expect(hue(red.background)).toBe("red");
      expect(closed.text).toContain("already rejected before you answered");
      expect(hue(closed.border)).toBe("grey");

      // Expired: right after expiresAt, whether or not the sweep has closed it yet.
      const { taskId } = await cdf.newTask();
      const expiring = await createApproval({
        taskId,
        title: "Expire me",
        approvers: [ADA],
        ttl: "1500ms",
        notify: false,
      });
      await delay(1_600);
      const page = await at(SIZES[1], expiring.links[0]!.url);
      expect(await h1(page).textContent()).toBe("This request has expired");
      expect(await page.locator(".outcome").textContent()).toContain("Expired");
      const amber = await inPage<string>(
        page,
        "getComputedStyle(document.querySelector('.notice')).borderColor",
      );
      expect(hue(amber)).toBe("amber");
    }, 90_000);

    it("the result page and the API say what CDF did with the outcome", async () => {
      const { taskId } = await cdf.newTask();
      const created = await createApproval({
        taskId,
        title: "Tell me about CDF",
        approvers: [ADA],
        notify: false,
      });
      await decideByForm(created.links[0]!.url, "approve");
      await theOnlyUpdate(taskId);
      const read = await eventually(
        async () => {
          const r = await api.request<{ summary: string; delivery: { status: string } }>(
            "GET",
            `/v1/approvals/${created.id}`,
          );
          expect(r.body.delivery.status).toBe("delivered");
          return r.body;
        },
        { timeoutMs: 10_000, what: "the outcome delivered" },
      );
      expect(read.summary).toMatch(/^Approved — CDF accepted the update at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      const page = await at(SIZES[0], created.links[0]!.url);
      expect(await page.locator(".outcome").textContent()).toBe(`Outcome: ${read.summary}`);
    }, 90_000);
  },
);

/** Evaluates an expression in the page (the test is compiled without the DOM's types). */
function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** Relative luminance (WCAG) of a computed `rgb(…)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Which family a computed `rgb(…)` colour belongs to, roughly, for the state banners. */
function hue(rgb: string): "green" | "red" | "amber" | "grey" | "other" {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).slice(0, 3).map(Number) as [number, number, number];
  if (r > g && g > b && g - b > 40) return "amber";
  if (g > r && g > b) return "green";
  if (r > g && r > b) return "red";
  // Our greys lean slightly blue (#6b7280, #eef0f3).
  return Math.max(r, g, b) - Math.min(r, g, b) < 30 ? "grey" : "other";
}

/** Adds `approvals.mail` (SMTP to the sink, no TLS on loopback) to a test config file. */
function withSmtp(file: GatewayConfigFile, sink: SmtpSink): GatewayConfigFile {
  const document = JSON.parse(readFileSync(file.path, "utf8")) as Record<string, unknown>;
  document.approvals = {
    mail: { kind: "smtp", host: sink.host, port: sink.port, secure: false, requireTls: false, from: FROM },
  };
  writeFileSync(file.path, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

/** The approval link in a mail's text part (the HTML part is checked to carry the same one). */
function linkIn(mail: ReceivedMail, gatewayUrl: string): string {
  const escaped = gatewayUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const found = mail.text.match(new RegExp(`${escaped}/a/[A-Za-z0-9._~-]+`, "g")) ?? [];
  expect(found, mail.text).toHaveLength(1);
  return found[0]!;
}

/**
 * Another website: a page whose script posts an Approve form to `?to=` the moment it loads. Our
 * pages allow no script, the attacker's may. Reachable as 127.0.0.1 (same site as the gateway,
 * another origin) and as localhost (another site).
 */
async function startAttackerSite(resources: Resources): Promise<{ origins: string[] }> {
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? "/", "http://attacker.invalid").searchParams.get("to") ?? "";
    const action = target.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><title>Win a prize</title><form method="post" action="${action}">` +
        `<input name="decision" value="approve"><input name="comment" value="pwned"></form>` +
        "<script>document.forms[0].submit()</script>",
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  resources.defer(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`] };
}
