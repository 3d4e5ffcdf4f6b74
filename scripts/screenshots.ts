/**
 * `npm run screenshots`: the approval pages in every state and the approval mail, as a person sees
 * them, at desktop (1280×800) and phone (390×844) size, into docs/screenshots/. It starts taskgate
 * in this process in local mode (a temporary SQLite file, the CDF emulator inside), creates
 * approvals through the API and drives them into each state, then photographs them in Chromium.
 *
 * A view is one entry in `VIEWS`: a name (the file name) and how to reach it (a URL to open, or
 * HTML to show). Add the next one there. `npm run screenshots -- NAME...` takes only those views.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { type Browser, chromium } from "playwright-core";
import { jsonLogger } from "../src/adapters/runtime/json-logger.js";
import { LOCAL_API_KEY, localConfig } from "../src/cli/local-mode.js";
import type { TaskgateConfig } from "../src/config/schema.js";
import { createEmulator } from "../src/emulator/emulator.js";
import { approvalMessage } from "../src/http/pages/mail/approval-mail.js";
import { type RunningGateway, startGateway } from "../src/node.js";
import { type ConsoleSeed, seedConsole } from "../test/support/console-demo.js";
import { CONSOLE_VIEWS } from "./console-views.js";

const OUT = join(import.meta.dirname, "..", "docs", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
];

/** Desktop and phone: the file name gets the suffix. */
export const SIZES = [
  { suffix: "", width: 1280, height: 800 },
  { suffix: "-phone", width: 390, height: 844 },
] as const;

/** What a view shows: a page of the running taskgate, or a document (a mail) set into a tab. */
export type Target = { url: string } | { html: string };

export interface View {
  /** File name without size suffix and extension. */
  name: string;
  /** Reaches the state (creating what it needs through `ctx`) and says what to photograph. */
  target(ctx: Scenario): Promise<Target>;
  /** The whole page rather than the viewport (a mail is read by scrolling; pages show the fold). */
  fullPage?: boolean;
  colorScheme?: "light" | "dark";
  /** A console view: the browser signs in first (a fresh one-time link per photo). */
  signIn?: boolean;
}

const ADA = { email: "ada.lovelace@example.com", name: "Ada Lovelace" };
const BO = { email: "bo.berg@example.com", name: "Bo Berg" };
const CY = { email: "cy@example.com" };
const GRACE = { name: "Grace Hopper", email: "grace.hopper@example.com" };
const DESCRIPTION = [
  "Pump **P-101** was serviced on Monday; the workflow holds the restart until someone signs off.",
  "",
  "- check the `vibration` trend on the [maintenance dashboard](https://example.com/dashboards/p-101)",
  "- confirm the bearing temperature is below 70 °C",
  "- then approve the restart",
].join("\n");

export const VIEWS: View[] = [
  { name: "approval-email", fullPage: true, target: (s) => s.email() },
  { name: "approval-email-dark", fullPage: true, colorScheme: "dark", target: (s) => s.email() },
  { name: "approval-open", target: async (s) => ({ url: (await s.openApproval()).links[0]! }) },
  { name: "approval-approved", target: async (s) => ({ url: await s.decided("approve", "delivered") }) },
  { name: "approval-rejected", target: async (s) => ({ url: await s.decided("reject", "delivered") }) },
  { name: "approval-delivering", target: async (s) => ({ url: await s.decided("approve", "pending") }) },
  { name: "approval-refused", target: async (s) => ({ url: await s.decided("approve", "dead") }) },
  { name: "approval-expired", target: async (s) => ({ url: await s.expired() }) },
  { name: "approval-closed", target: async (s) => ({ url: await s.closed() }) },
  { name: "landing", target: async (s) => ({ url: s.at("/") }) },
  ...CONSOLE_VIEWS,
  { name: "api-reference", target: async (s) => ({ url: s.at("/docs") }) },
  { name: "api-reference-operation", target: async (s) => ({ url: s.at("/docs#postV1Waits") }) },
];

interface Created {
  id: string;
  taskId: string;
  links: string[];
}

/** Builds approvals in each state against a running local-mode taskgate. */
export class Scenario {
  private open: Created | undefined;
  private consoleSeed: Promise<ConsoleSeed> | undefined;
  constructor(
    private readonly gw: RunningGateway,
    private readonly config?: TaskgateConfig,
  ) {}

  /** The console's data (seeded once), and the base URL of the running taskgate. */
  async console(): Promise<{ url: string; seed: ConsoleSeed }> {
    const demo = this.config?.sources?.demo;
    if (!demo) throw new Error("the console views need local mode's demo source");
    this.consoleSeed ??= seedConsole(this.gw.url, demo.verify);
    return { url: this.gw.url, seed: await this.consoleSeed };
  }

  /** A URL of the running taskgate. */
  at(path: string): string {
    return `${this.gw.url}${path}`;
  }

  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${LOCAL_API_KEY}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async newTask(): Promise<string> {
    const exec = await this.api<{ executedTasks: { id: string }[] }>(
      "POST",
      "/emulator/_emulator/executions",
      {},
    );
    return exec.executedTasks[0]!.id;
  }

  async create(body: Record<string, unknown>): Promise<Created> {
    const taskId = await this.newTask();
    const created = await this.api<{ id: string; links: { url: string }[] }>("POST", "/v1/approvals", {
      taskId,
      notify: false,
      requestedBy: GRACE,
      ...body,
    });
    return { id: created.id, taskId, links: created.links.map((l) => l.url) };
  }

  /** Presses a button the way the page's form does. */
  async decide(link: string, decision: "approve" | "reject", comment = ""): Promise<void> {
    const res = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ decision, comment }).toString(),
    });
    if (res.status !== 200) throw new Error(`decision on ${link}: ${res.status}`);
  }

  /** Three approvers, two approvals needed, Bo has approved: Ada's link shows the form. */
  async openApproval(): Promise<Created> {
    if (this.open) return this.open;
    const created = await this.create({
      title: "Restart pump P-101 after maintenance",
      description: DESCRIPTION,
      approvers: [ADA, BO, CY],
      policy: { kind: "quorum", count: 2 },
      ttl: "24h",
    });
    await this.decide(created.links[1]!, "approve", "Vibration trend is back to normal.");
    this.open = created;
    return created;
  }

  async email(): Promise<Target> {
    const created = await this.openApproval();
    const approval = await this.gw.store.approvals.getApproval(created.id);
    if (!approval) throw new Error("the approval is gone");
    const message = await approvalMessage({
      approval,
      approverIndex: 0,
      link: created.links[0]!,
      now: Date.now(),
    });
    return { html: message.html };
  }

  /**
   * Ada decides alone; CDF then accepts the update (delivered), keeps answering 503 (pending,
   * being retried) or refuses it for good (dead). Returns Ada's link, which now shows the outcome.
   */
  async decided(decision: "approve" | "reject", delivery: "delivered" | "pending" | "dead"): Promise<string> {
    const created = await this.create({
      title:
        decision === "approve" ? "Publish the Q3 production forecast" : "Raise the alarm threshold on line 3",
      description: "Numbers are in the attached report; the workflow publishes them when approved.",
      approvers: [ADA],
    });
    const fault =
      delivery === "pending"
        ? { status: 503, times: 0 }
        : delivery === "dead"
          ? {
              status: 403,
              times: 0,
              message: "Resource not found. This may also be due to insufficient access rights.",
            }
          : undefined;
    if (fault)
      await this.api("POST", "/emulator/_emulator/faults", {
        path: created.taskId,
        method: "POST",
        ...fault,
      });
    await this.decide(
      created.links[0]!,
      decision,
      decision === "reject" ? "Not before the safety audit." : "",
    );
    await this.until(created.id, (d) =>
      delivery === "pending" ? d?.status === "pending" && d.attempts > 0 : d?.status === delivery,
    );
    return created.links[0]!;
  }

  /** An approval whose expiry has just passed, before any sweep closes it. */
  async expired(): Promise<string> {
    const created = await this.create({
      title: "Approve the night-shift roster",
      approvers: [ADA, BO],
      ttl: "2s",
    });
    await delay(2_100);
    return created.links[0]!;
  }

  /** Bo rejected under "any": Ada's link shows the request closed without her. */
  async closed(): Promise<string> {
    const created = await this.create({
      title: "Drain tank T-7 for inspection",
      approvers: [ADA, BO],
      policy: { kind: "any" },
    });
    await this.decide(created.links[1]!, "reject", "The inspection moved to next week.");
    return created.links[0]!;
  }

  private async until(
    approvalId: string,
    ok: (d: { status: string; attempts: number } | undefined) => boolean,
  ): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const a = await this.gw.store.approvals.getApproval(approvalId);
      const d = a?.deliveryId ? await this.gw.store.getDelivery(a.deliveryId) : undefined;
      if (ok(d)) return;
      await delay(50);
    }
    throw new Error(`approval ${approvalId}: its delivery did not reach the state wanted`);
  }
}

/** Photographs every view at every size; returns the files written. */
export async function takeScreenshots(o: { out?: string; views?: View[] } = {}): Promise<string[]> {
  const out = o.out ?? OUT;
  mkdirSync(out, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "taskgate-screens-"));
  const logger = jsonLogger({ level: "error", write: () => {}, now: Date.now });
  const config = localConfig(dataDir, 0);
  const gw = await startGateway({
    config: { ...config, forwarder: { ...config.forwarder, pollInterval: 100 } },
    port: 0,
    emulator: createEmulator().app,
    derivePublicUrl: true,
    logger,
  });
  let browser: Browser | undefined;
  const written: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
    const scenario = new Scenario(gw, config);
    for (const view of o.views ?? VIEWS) {
      const target = await view.target(scenario);
      for (const size of SIZES) {
        const context = await browser.newContext({
          viewport: { width: size.width, height: size.height },
          colorScheme: view.colorScheme ?? "light",
        });
        const page = await context.newPage();
        if (view.signIn) await page.goto(await gw.consoleSignInLink!());
        if ("url" in target) await page.goto(target.url);
        else await page.setContent(target.html);
        const path = join(out, `${view.name}${size.suffix}.png`);
        await page.screenshot({ path, fullPage: view.fullPage ?? false });
        written.push(path);
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    await gw.close(1_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npm run screenshots -- approval-open approval-email` takes only those.
  const only = process.argv.slice(2);
  const views = only.length === 0 ? VIEWS : VIEWS.filter((v) => only.includes(v.name));
  for (const file of await takeScreenshots({ views })) console.log(`wrote ${file}`);
}
