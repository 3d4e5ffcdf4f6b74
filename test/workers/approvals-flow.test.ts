import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { PAGE_HEADERS } from "../../src/http/pages/headers.js";
import worker from "../../src/worker.js";
import { emulator, eventually, send, updatesOf } from "./support.js";

/**
 * Approvals inside workerd, through the worker's exported handlers: the API (D1), the /a/:token
 * pages, mail through Resend's HTTP API (a fake on Node, started by test/workers/resend-global-setup.ts)
 * and the CDF update (the emulator). Each test makes its own task, approval and approver
 * addresses, so none depends on another's rows, mails or emulator log entries.
 */

const PUBLIC_URL = "https://taskgate.workers.test";
const handler: ExportedHandler<Cloudflare.Env> = worker;

interface ApprovalBody {
  id: string;
  status: string;
  expiresAt: number;
  links: { email: string; url: string }[];
}

interface ApprovalView {
  id: string;
  status: string;
  deliveryId: string | null;
  closedAt: number | null;
  decisions: { email: string; decision: string; comment: string | null }[];
  mails?: {
    email: string;
    status: string;
    attempts: number;
    lastError: string | null;
    sentAt: number | null;
  }[];
}

interface SentMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
}

interface TaskUpdateBody {
  status: string;
  output: {
    approval: {
      id: string;
      outcome: string;
      decisions: { email: string; name?: string; decision: string; comment?: string }[];
    };
    taskgate: { deliveryId: string; source: string; approvalId: string };
  };
}

/** The Resend fake, through its admin server (tests inside workerd cannot read Node's memory). */
const resend = {
  async messages(): Promise<SentMail[]> {
    const res = await fetch(`${inject("resendAdminUrl")}/messages`);
    if (!res.ok) throw new Error(`resend admin answered ${res.status}`);
    return (await res.json()) as SentMail[];
  },
  /** The mails the fake accepted for any of these addresses. */
  async messagesTo(...emails: string[]): Promise<SentMail[]> {
    return (await resend.messages()).filter((m) => m.to.some((to) => emails.some((e) => to.includes(e))));
  },
  async failNext(status: number, times: number): Promise<void> {
    const res = await fetch(`${inject("resendAdminUrl")}/fail`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status, times }),
    });
    if (!res.ok) throw new Error(`resend admin answered ${res.status}`);
  },
};

/** Approver addresses no other test uses. */
function addresses(): { ada: string; bo: string } {
  const tag = crypto.randomUUID().slice(0, 8);
  return { ada: `ada-${tag}@example.com`, bo: `bo-${tag}@example.com` };
}

/** POST /v1/approvals for a fresh IN_PROGRESS emulator task. */
async function newApproval(over: Record<string, unknown> = {}) {
  const taskId = await emulator.newTask();
  const { ada, bo } = addresses();
  const res = await send("POST", "/v1/approvals", {
    apiKey: env.TEST_API_KEY,
    body: {
      taskId,
      title: "Promote model v7 to production",
      approvers: [{ email: ada, name: "Ada" }, { email: bo }],
      policy: { kind: "all" },
      notify: false,
      ...over,
    },
  });
  return { taskId, ada, bo, res, body: res.body as unknown as ApprovalBody };
}

async function readApproval(id: string): Promise<ApprovalView> {
  const res = await send("GET", `/v1/approvals/${id}`, { apiKey: env.TEST_API_KEY });
  expect(res.status).toBe(200);
  return res.body as unknown as ApprovalView;
}

/** A link's page request through the worker's exported fetch; `settled` covers its waitUntil work. */
async function page(
  method: "GET" | "HEAD" | "POST",
  url: string,
  o: { form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ status: number; html: string; headers: Headers; settled: Promise<void> }> {
  const { pathname } = new URL(url);
  const headers: Record<string, string> = { ...o.headers };
  if (o.form) headers["content-type"] = "application/x-www-form-urlencoded";
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${PUBLIC_URL}${pathname}`, {
      method,
      headers,
      body: o.form ? new URLSearchParams(o.form).toString() : undefined,
    }),
    env,
    ctx,
  );
  const html = await res.text();
  return { status: res.status, html, headers: res.headers, settled: waitOnExecutionContext(ctx) };
}

/** The form submit of our own page: the browser says it is same-origin. */
function decide(url: string, decision: "approve" | "reject", comment?: string) {
  return page("POST", url, {
    form: { decision, ...(comment === undefined ? {} : { comment }) },
    headers: { "sec-fetch-site": "same-origin" },
  });
}

/** Runs the cron handler once, as the runtime does every minute, and waits for it to finish. */
async function cronPass(): Promise<void> {
  const ctx = createExecutionContext();
  await handler.scheduled!(
    createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

/** The task updates CDF received for `taskId`, with their bodies. */
async function cdfUpdates(taskId: string): Promise<{ status: number; body: TaskUpdateBody }[]> {
  return updatesOf(await emulator.requests(), taskId).map((e) => ({
    status: e.status,
    body: e.body as TaskUpdateBody,
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("approvals inside workerd (D1, Resend fake and CDF emulator over HTTP)", () => {
  it("creates an approval with a link per approver and mails each one after the 201", async () => {
    const { ada, bo, res, body } = await newApproval({ notify: true });
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ status: "pending" });
    expect(body.links.map((l) => l.email)).toEqual([ada, bo]);
    for (const link of body.links) {
      const url = new URL(link.url);
      expect(url.origin).toBe(PUBLIC_URL);
      expect(url.pathname).toMatch(/^\/a\/[\w-]+\.[\w-]+\.[\w-]+$/);
    }
    expect(new Set(body.links.map((l) => l.url)).size).toBe(2);

    // The mail pass ran under the request's waitUntil: done once the request has settled.
    await res.settled;
    const mails = await resend.messagesTo(ada, bo);
    expect(mails).toHaveLength(2);
    const [toAda, toBo] = [ada, bo].map((e) => mails.find((m) => m.to.some((to) => to.includes(e))));
    expect(toAda?.to).toEqual([`Ada <${ada}>`]);
    expect(toBo?.to).toEqual([bo]);
    for (const [mail, link] of [
      [toAda, body.links[0]!],
      [toBo, body.links[1]!],
    ] as const) {
      expect(mail?.from).toBe("Taskgate <approvals@taskgate.workers.test>");
      expect(mail?.subject).toBe("Approval requested: Promote model v7 to production");
      // Each approver gets their own link (the very one the API answered with), and only theirs.
      expect(mail?.text).toContain(link.url);
      expect(mail?.html).toContain(`href="${link.url}"`);
      const other = body.links.find((l) => l !== link)!;
      expect(`${mail?.text}${mail?.html}`).not.toContain(other.url);
    }

    const read = await readApproval(body.id);
    expect(read.mails).toEqual([
      { email: ada, status: "sent", attempts: 1, lastError: null, sentAt: expect.any(Number) },
      { email: bo, status: "sent", attempts: 1, lastError: null, sentAt: expect.any(Number) },
    ]);
    // A cron pass afterwards sends nothing again.
    await cronPass();
    expect(await resend.messagesTo(ada, bo)).toHaveLength(2);
  });

  it("GET (five times) and HEAD of every link change nothing and carry the page headers", async () => {
    const { taskId, body } = await newApproval();
    for (const link of body.links) {
      for (let i = 0; i < 5; i++) {
        const res = await page("GET", link.url);
        expect(res.status).toBe(200);
        expect(res.html).toContain("Promote model v7 to production");
        expect(res.html).toMatch(/<form[^>]+method="post"/);
        expect(res.html).not.toContain("<script");
        expect(res.headers.get("content-security-policy")).toBe(PAGE_HEADERS["Content-Security-Policy"]);
        expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
        await res.settled;
      }
      const head = await page("HEAD", link.url);
      expect(head.status).toBe(200);
      expect(head.html).toBe("");
      expect(head.headers.get("x-frame-options")).toBe("DENY");
      expect(head.headers.get("cache-control")).toBe("no-store");
      await head.settled;
    }
    const read = await readApproval(body.id);
    expect(read).toMatchObject({ status: "pending", decisions: [], deliveryId: null, closedAt: null });
    // Not even a cron pass finds anything to send for it.
    await cronPass();
    expect(await cdfUpdates(taskId)).toEqual([]);
    expect((await emulator.task(taskId)).status).toBe("IN_PROGRESS");
  });

  it("policy all: the second approval ends it and CDF gets exactly one COMPLETED update", async () => {
    const { taskId, ada, bo, body } = await newApproval();
    const [first, second] = body.links;

    const one = await decide(first!.url, "approve", "Looks good");
    expect(one.status).toBe(200);
    await one.settled;
    expect(await readApproval(body.id)).toMatchObject({
      status: "pending",
      decisions: [{ email: ada, decision: "approve", comment: "Looks good" }],
      deliveryId: null,
    });
    expect(await cdfUpdates(taskId)).toEqual([]);

    const two = await decide(second!.url, "approve");
    expect(two.status).toBe(200);
    expect(two.html).not.toContain("<form");
    // The ending delivery is forwarded under the deciding request's waitUntil.
    await two.settled;
    const read = await readApproval(body.id);
    expect(read).toMatchObject({
      status: "approved",
      closedAt: expect.any(Number),
      decisions: [
        { email: ada, decision: "approve", comment: "Looks good" },
        { email: bo, decision: "approve", comment: null },
      ],
    });
    expect(read.deliveryId).toEqual(expect.any(String));

    const updates = await cdfUpdates(taskId);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.status).toBe(200);
    expect(updates[0]!.body).toEqual({
      status: "COMPLETED",
      output: {
        approval: {
          id: body.id,
          outcome: "approved",
          decisions: [
            {
              email: ada,
              name: "Ada",
              decision: "approve",
              comment: "Looks good",
              decidedAt: expect.any(Number),
            },
            { email: bo, decision: "approve", decidedAt: expect.any(Number) },
          ],
        },
        taskgate: {
          deliveryId: read.deliveryId,
          source: "approval",
          receivedAt: expect.any(Number),
          approvalId: body.id,
        },
      },
    });
    expect((await emulator.task(taskId)).status).toBe("COMPLETED");
    const delivery = await send("GET", `/v1/deliveries/${read.deliveryId}`, { apiKey: env.TEST_API_KEY });
    expect(delivery.body).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 200 });

    // The cron finds nothing left to send: still one update.
    await cronPass();
    expect(await cdfUpdates(taskId)).toHaveLength(1);
    // The links now show the outcome, read-only.
    const after = await page("GET", first!.url);
    expect(after.status).toBe(200);
    expect(after.html).not.toContain("<form");
  });

  it("refuses forged links (404) and cross-site POSTs (403); a replay is 200, a change of mind 409", async () => {
    const { taskId, ada, body } = await newApproval();
    const link = body.links[0]!.url;
    const path = new URL(link).pathname;
    const [head, payload, sig] = path.slice("/a/".length).split(".");
    const flip = (s: string) =>
      s.at(-2) === "A" ? `${s.slice(0, -2)}B${s.at(-1)}` : `${s.slice(0, -2)}A${s.at(-1)}`;
    for (const token of [`${head}.${payload}.${flip(sig!)}`, `${head}.${flip(payload!)}.${sig}`, "a.b.c"]) {
      const get = await page("GET", `${PUBLIC_URL}/a/${token}`);
      expect(get.status).toBe(404);
      expect(get.html).not.toContain("Promote model v7");
      const post = await decide(`${PUBLIC_URL}/a/${token}`, "approve");
      expect(post.status).toBe(404);
    }

    const crossSite: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
    ];
    for (const headers of crossSite) {
      const res = await page("POST", link, { form: { decision: "approve" }, headers });
      expect(res.status).toBe(403);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
    expect((await readApproval(body.id)).decisions).toEqual([]);

    // An older browser sends only Origin: ours is accepted.
    const ok = await page("POST", link, { form: { decision: "approve" }, headers: { origin: PUBLIC_URL } });
    expect(ok.status).toBe(200);
    const again = await decide(link, "approve");
    expect(again.status).toBe(200);
    expect(again.html).not.toContain("<form");
    const conflict = await decide(link, "reject", "changed my mind");
    expect(conflict.status).toBe(409);
    await Promise.all([ok.settled, again.settled, conflict.settled]);

    const read = await readApproval(body.id);
    expect(read).toMatchObject({ status: "pending", decisions: [{ email: ada, decision: "approve" }] });
    expect(read.decisions).toHaveLength(1);
    expect(await cdfUpdates(taskId)).toEqual([]);
  });

  it("every approver at once on D1: one outcome, one delivery, one CDF update", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const approvers = Array.from({ length: 4 }, (_, i) => ({ email: `p${i}-${tag}@example.com` }));
    const { taskId, body } = await newApproval({ approvers, policy: { kind: "quorum", count: 2 } });
    const results = await Promise.all(
      body.links.map((l, i) => decide(l.url, i === 0 ? "reject" : "approve")),
    );
    await Promise.all(results.map((r) => r.settled));
    // Each POST either counted (200) or came after the outcome (409): never a 500.
    for (const r of results) expect([200, 409]).toContain(r.status);
    const read = await readApproval(body.id);
    expect(read.status).toBe("approved");
    const recorded = results.filter((r) => r.status === 200).length;
    expect(read.decisions).toHaveLength(recorded);
    expect(read.decisions.filter((d) => d.decision === "approve")).toHaveLength(2);

    const updates = await cdfUpdates(taskId);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      status: 200,
      body: { status: "COMPLETED", output: { approval: { id: body.id, outcome: "approved" } } },
    });
    expect(updates[0]!.body.output.approval.decisions).toHaveLength(recorded);
    await cronPass();
    expect(await cdfUpdates(taskId)).toHaveLength(1);
  });

  it("expiry: the cron closes it as expired and CDF gets FAILED_WITH_TERMINAL_ERROR", async () => {
    const { taskId, ada, body, res } = await newApproval({ ttl: "1s" });
    expect(res.status).toBe(201);
    expect(body.expiresAt - Date.now()).toBeLessThanOrEqual(1_000);
    // One of two approvers decides in time; the decision travels with the expiry.
    const early = await decide(body.links[0]!.url, "approve");
    expect(early.status).toBe(200);
    await early.settled;

    await sleep(Math.max(0, body.expiresAt - Date.now()) + 50);
    expect(Date.now()).toBeGreaterThan(body.expiresAt);
    // Opening a link past the expiry shows it, but only the cron (or a POST) closes it.
    const view = await page("GET", body.links[1]!.url);
    expect(view.status).toBe(410);
    await view.settled;
    expect((await readApproval(body.id)).status).toBe("pending");
    expect(await cdfUpdates(taskId)).toEqual([]);

    await cronPass();
    const read = await readApproval(body.id);
    expect(read).toMatchObject({ status: "expired", closedAt: expect.any(Number) });
    expect(read.deliveryId).toEqual(expect.any(String));
    const updates = await cdfUpdates(taskId);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      status: 200,
      body: {
        status: "FAILED_WITH_TERMINAL_ERROR",
        output: {
          approval: { id: body.id, outcome: "expired", decisions: [{ email: ada, decision: "approve" }] },
          taskgate: { deliveryId: read.deliveryId, source: "approval" },
        },
      },
    });
    expect((await emulator.task(taskId)).status).toBe("FAILED_WITH_TERMINAL_ERROR");

    // A late decision is refused and records nothing; another cron pass sends nothing more.
    const late = await decide(body.links[1]!.url, "approve");
    expect(late.status).toBe(410);
    await late.settled;
    await cronPass();
    expect(await cdfUpdates(taskId)).toHaveLength(1);
    expect((await readApproval(body.id)).decisions).toHaveLength(1);
  });

  it("a mail outage never loses the approval: links work, the mails wait and the cron sends them", async () => {
    await resend.failNext(503, 2);
    const { taskId, ada, bo, res, body } = await newApproval({ notify: true });
    expect(res.status).toBe(201);
    expect(body.status).toBe("pending");
    expect(body.links).toHaveLength(2);
    await res.settled;

    expect(await resend.messagesTo(ada, bo)).toEqual([]);
    const read = await readApproval(body.id);
    expect(read.status).toBe("pending");
    expect(read.mails).toHaveLength(2);
    for (const mail of read.mails!) {
      expect(mail.status).toBe("pending");
      expect(mail.attempts).toBeGreaterThanOrEqual(1);
      expect(mail.lastError).toContain("Resend answered HTTP 503");
      expect(mail.sentAt).toBeNull();
    }

    // The approval is usable meanwhile: a link opens with its form.
    const open = await page("GET", body.links[1]!.url);
    expect(open.status).toBe(200);
    expect(open.html).toMatch(/<form[^>]+method="post"/);
    await open.settled;

    // Once the retries come due (a short jittered backoff), a cron pass sends them, with the same links.
    const mails = await eventually(async () => {
      await cronPass();
      const sent = await resend.messagesTo(ada, bo);
      expect(sent).toHaveLength(2);
      return sent;
    }, 15_000);
    for (const link of body.links) {
      expect(mails.find((m) => m.to.some((to) => to.includes(link.email)))?.text).toContain(link.url);
    }
    const after = await readApproval(body.id);
    expect(after.mails?.map((m) => m.status)).toEqual(["sent", "sent"]);
    expect(after.mails?.every((m) => m.attempts >= 2)).toBe(true);
    expect(await cdfUpdates(taskId)).toEqual([]);
  });
});
