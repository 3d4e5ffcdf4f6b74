import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approvalHarness } from "../../test/support/approval-harness.js";
import { startSmtpSink } from "../../test/support/smtp-sink.js";
import { createSmtpMailer } from "../adapters/mail/smtp-mailer.js";
import { TaskgateError } from "../core/errors.js";
import type { RenderApprovalMail } from "../ports/approval-mail-view.js";
import type { Mailer, MailMessage } from "../ports/mailer.js";
import { MailOutbox } from "./mail-outbox.js";

/** A Mailer that answers from a script: each call takes the next outcome (default: accepted). */
function scriptedMailer(script: ("ok" | "transient" | "permanent" | "crash")[] = []) {
  const sent: MailMessage[] = [];
  const mailer: Mailer = {
    async send(message) {
      const next = script.shift() ?? "ok";
      if (next === "transient")
        throw new TaskgateError("mail_failed", "450 busy", { details: { retryable: true } });
      if (next === "permanent")
        throw new TaskgateError("mail_failed", "550 no such user", { details: { retryable: false } });
      if (next === "crash") throw new Error("socket hang up");
      sent.push(message);
      return { messageId: `<m${sent.length}@test>` };
    },
  };
  return { mailer, sent };
}

/**
 * A stand-in for the view (which lives with the pages and has its own tests): it carries what the
 * outbox decides (recipient, approval, link), so these tests see exactly that and nothing more.
 */
const render: RenderApprovalMail = async ({ approval, approverIndex, link }) => {
  const approver = approval.approvers[approverIndex]!;
  return {
    to: { email: approver.email, name: approver.name },
    subject: `Approval requested: ${approval.title}`,
    text: `${approval.description ?? ""}\n${link}`,
    html: `<a href="${link}">Review and decide</a>`,
  };
};

describe("MailOutbox", () => {
  let h: Awaited<ReturnType<typeof approvalHarness>>;
  beforeEach(async () => {
    h = await approvalHarness({ overrides: { mailOutbox: { kick: () => {} } } });
  });
  afterEach(() => h.store.close());

  const mailsOf = async (id: string) =>
    (await h.read(id)).mails as {
      email: string;
      status: string;
      attempts: number;
      lastError: string | null;
    }[];

  it("sends each approver their own link once, and records the provider's id", async () => {
    const { mailer, sent } = scriptedMailer();
    const outbox = new MailOutbox(h.deps, mailer, { render });
    const { id, created } = await h.approvalFor({ description: "Why: **quarterly** release" });
    expect(await outbox.runOnce()).toBe(2);
    expect(sent.map((m) => m.to)).toEqual([
      { email: "ada@example.com", name: "Ada" },
      { email: "bo@example.com", name: null },
    ]);
    for (const [i, m] of sent.entries()) {
      expect(m.subject).toBe("Approval requested: Deploy model v7");
      expect(m.text).toContain(created.links[i].url);
      expect(m.html).toContain(`href="${created.links[i].url}"`);
      expect(m.text).toContain("Why: **quarterly** release");
    }
    expect(sent[0]!.text).not.toContain(created.links[1].url);
    expect((await mailsOf(id)).map((m) => [m.status, m.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
    ]);
    expect(await outbox.runOnce()).toBe(0);
    expect(sent).toHaveLength(2);
  });

  it("retries a transient refusal with backoff; the approval stays usable meanwhile", async () => {
    const { mailer, sent } = scriptedMailer(["transient", "ok"]);
    const outbox = new MailOutbox(h.deps, mailer, { render, batch: 1 });
    const { id, paths } = await h.approvalFor({ approvers: [{ email: "ada@example.com" }] });
    await outbox.runOnce();
    const [mail] = await mailsOf(id);
    expect(mail).toMatchObject({ status: "pending", attempts: 1, lastError: "450 busy" });
    expect(await outbox.runOnce()).toBe(0); // not due yet
    expect((await h.app.request(paths[0]!)).status).toBe(200);
    h.clock.advance(60_000);
    expect(await outbox.runOnce()).toBe(1);
    expect(sent).toHaveLength(1);
    expect((await mailsOf(id))[0]).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("gives up on a permanent refusal, keeping the approval pending", async () => {
    const { mailer } = scriptedMailer(["permanent"]);
    const { id } = await h.approvalFor({ approvers: [{ email: "ada@example.com" }] });
    await new MailOutbox(h.deps, mailer, { render }).runOnce();
    expect((await mailsOf(id))[0]).toMatchObject({
      status: "dead",
      attempts: 1,
      lastError: "550 no such user",
    });
    expect((await h.read(id)).status).toBe("pending");
  });

  it("treats an unexpected error as transient, without leaking its text", async () => {
    const { mailer } = scriptedMailer(["crash"]);
    const { id } = await h.approvalFor({ approvers: [{ email: "ada@example.com" }] });
    await new MailOutbox(h.deps, mailer, { render }).runOnce();
    expect((await mailsOf(id))[0]).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "unexpected error while sending",
    });
  });

  it("stops retrying at the approval's expiry", async () => {
    const { mailer } = scriptedMailer(["transient", "transient", "transient", "transient"]);
    const outbox = new MailOutbox(h.deps, mailer, {
      render,
      retry: { baseDelayMs: 600_000, maxDelayMs: 600_000 },
    });
    const { id } = await h.approvalFor({ ttl: "8m", approvers: [{ email: "ada@example.com" }] });
    await outbox.runOnce();
    // random() is 0.5 in tests: each retry is 5 min out; the second would land past the expiry.
    h.clock.advance(5 * 60_000);
    await outbox.runOnce();
    expect((await mailsOf(id))[0]).toMatchObject({ status: "dead", attempts: 2 });
  });

  it("skips the mail of an approval that ended before it went out", async () => {
    const { mailer, sent } = scriptedMailer();
    const { id, paths } = await h.approvalFor();
    await h.submit(paths[0]!, { decision: "approve" });
    await new MailOutbox(h.deps, mailer, { render }).runOnce();
    expect(sent).toEqual([]);
    expect((await mailsOf(id)).map((m) => [m.status, m.attempts])).toEqual([
      ["skipped", 0],
      ["skipped", 0],
    ]);
  });

  it("sends each mail once when two outboxes run at the same time", async () => {
    const a = scriptedMailer();
    const b = scriptedMailer();
    for (let i = 0; i < 3; i++) await h.approvalFor();
    await Promise.all([
      new MailOutbox(h.deps, a.mailer, { render }).runOnce(),
      new MailOutbox(h.deps, b.mailer, { render }).runOnce(),
    ]);
    const all = [...a.sent, ...b.sent].map((m) => m.text.match(/\/a\/\S+/)?.[0]);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
  });

  it("delivers over real SMTP a link that opens the approver's page", async () => {
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({
      host: sink.host,
      port: sink.port,
      from: "Taskgate <taskgate@example.test>",
    });
    try {
      const { created } = await h.approvalFor({
        approvers: [{ email: "ada@example.com", name: "Ada Ærlig" }],
      });
      await new MailOutbox(h.deps, mailer, { render }).runOnce();
      const [mail] = await sink.waitFor(1);
      expect(mail!.to).toEqual(["ada@example.com"]);
      expect(mail!.headers.get("to")).toContain("Ada Ærlig");
      expect(mail!.subject).toBe("Approval requested: Deploy model v7");
      const link = mail!.text.match(/https:\/\/taskgate\.test\/a\/\S+/)?.[0];
      expect(link).toBe(created.links[0].url);
      const page = await h.app.request(new URL(link!).pathname);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Deploy model v7");
    } finally {
      await mailer.close?.();
      await sink.close();
    }
  });
});
