import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpSink, type SmtpSinkOptions, startSmtpSink } from "../../../test/support/smtp-sink.js";
import { TaskgateError } from "../../core/errors.js";
import type { Mailer, MailMessage } from "../../ports/mailer.js";
import { createSmtpMailer, type SmtpMailConfig } from "./smtp-mailer.js";

const SECRET_LINK = "https://taskgate.test/a/tok_SECRET-BEARER-LINK";
const PASSWORD = "s3cret-Passw0rd";

const message: MailMessage = {
  to: { email: "oystein@example.test", name: "Ærlig Øystein" },
  subject: "Approve pump P-101 restart — batch 42",
  text: `Open ${SECRET_LINK} to decide.`,
  html: `<p><a href="${SECRET_LINK}">Decide</a></p>`,
};

const open: { sinks: SmtpSink[]; mailers: Mailer[] } = { sinks: [], mailers: [] };

afterEach(async () => {
  await Promise.all(open.mailers.splice(0).map((mailer) => mailer.close?.()));
  await Promise.all(open.sinks.splice(0).map((sink) => sink.close()));
});

async function sinkWith(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sink = await startSmtpSink(options);
  open.sinks.push(sink);
  return sink;
}

function mailerFor(port: number, extra: Partial<SmtpMailConfig> = {}): Mailer {
  const mailer = createSmtpMailer({
    host: "127.0.0.1",
    port,
    from: "Taskgate <approvals@taskgate.test>",
    connectionTimeoutMs: 2_000,
    ...extra,
  });
  open.mailers.push(mailer);
  return mailer;
}

async function failureOf(promise: Promise<unknown>): Promise<TaskgateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TaskgateError) return error;
    throw error;
  }
  throw new Error("expected the send to fail");
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("SMTP mailer against a real SMTP server", () => {
  it("delivers the plain text and the HTML of one message", async () => {
    const sink = await sinkWith();
    await mailerFor(sink.port).send(message);
    const [mail] = await sink.waitFor(1);
    expect(mail?.text.trim()).toBe(message.text);
    expect(mail?.html).toContain(`<a href="${SECRET_LINK}">Decide</a>`);
    expect(mail?.to).toEqual(["oystein@example.test"]);
    expect(mail?.from).toBe("approvals@taskgate.test");
  });

  it("keeps a non-ASCII display name and subject intact through MIME encoding", async () => {
    const sink = await sinkWith();
    await mailerFor(sink.port).send(message);
    const [mail] = await sink.waitFor(1);
    expect(mail?.subject).toBe("Approve pump P-101 restart — batch 42");
    expect(mail?.headers.get("to")).toBe('"Ærlig Øystein" <oystein@example.test>');
    expect(mail?.headers.get("from")).toBe('"Taskgate" <approvals@taskgate.test>');
  });

  it("sends to a bare address when the recipient has no name", async () => {
    const sink = await sinkWith();
    await mailerFor(sink.port).send({ ...message, to: { email: "plain@example.test", name: null } });
    const [mail] = await sink.waitFor(1);
    expect(mail?.headers.get("to")).toBe("plain@example.test");
  });

  it("flattens CR/LF in a name so it cannot add a header", async () => {
    const sink = await sinkWith();
    await mailerFor(sink.port).send({
      ...message,
      to: { email: "jd@example.test", name: "Evil\r\nBcc: x@evil.test" },
    });
    const [mail] = await sink.waitFor(1);
    expect(mail?.to).toEqual(["jd@example.test"]);
    expect(mail?.headers.has("bcc")).toBe(false);
    expect(mail?.headers.get("to")).toBe('"Evil Bcc: x@evil.test" <jd@example.test>');
  });

  it.each(["jd@example.test\r\nRCPT TO:<x@evil.test>", "jd@example.test, x@evil.test", "Evil <x@evil.test>"])(
    "refuses the address %j for good, before connecting",
    async (email) => {
      const sink = await sinkWith();
      const error = await failureOf(mailerFor(sink.port).send({ ...message, to: { email } }));
      expect(error.details).toEqual({ retryable: false });
      expect(sink.messages).toHaveLength(0);
    },
  );

  it("returns the Message-ID the message went out with", async () => {
    const sink = await sinkWith();
    const receipt = await mailerFor(sink.port).send(message);
    const [mail] = await sink.waitFor(1);
    expect(receipt.messageId).toMatch(/^<.+@.+>$/);
    expect(mail?.headers.get("message-id")).toBe(receipt.messageId);
  });

  it("authenticates when the server requires it and the password is right", async () => {
    const sink = await sinkWith({ auth: { user: "taskgate", password: PASSWORD } });
    await mailerFor(sink.port, { user: "taskgate", password: PASSWORD }).send(message);
    expect(await sink.waitFor(1)).toHaveLength(1);
  });

  it("fails permanently on a wrong password (EAUTH, 535)", async () => {
    const sink = await sinkWith({ auth: { user: "taskgate", password: PASSWORD } });
    const error = await failureOf(
      mailerFor(sink.port, { user: "taskgate", password: "wrong" }).send(message),
    );
    expect(error.code).toBe("mail_failed");
    expect(error.details).toEqual({ retryable: false, errorCode: "EAUTH", smtpCode: 535 });
    expect(error.message).toBe("SMTP send failed (EAUTH, reply 535); permanent");
    expect(sink.messages).toHaveLength(0);
  });

  it("retries a recipient refused with 450 (mailbox busy)", async () => {
    const sink = await sinkWith({ rejectRecipients: () => 450 });
    const error = await failureOf(mailerFor(sink.port).send(message));
    expect(error.details).toEqual({ retryable: true, errorCode: "EENVELOPE", smtpCode: 450 });
  });

  it("gives up on a recipient refused with 550 (mailbox unavailable)", async () => {
    const sink = await sinkWith({
      rejectRecipients: (address) => (address.startsWith("oystein@") ? 550 : null),
    });
    const error = await failureOf(mailerFor(sink.port).send(message));
    expect(error.details).toEqual({ retryable: false, errorCode: "EENVELOPE", smtpCode: 550 });
  });

  it("gives up on a recipient refused with 553 (mailbox name not allowed)", async () => {
    const sink = await sinkWith({ rejectRecipients: () => 553 });
    const error = await failureOf(mailerFor(sink.port).send(message));
    expect(error.details).toMatchObject({ retryable: false, smtpCode: 553 });
  });

  it("retries when nothing listens on the port", async () => {
    const error = await failureOf(mailerFor(await closedPort()).send(message));
    expect(error.code).toBe("mail_failed");
    expect(error.details?.retryable).toBe(true);
    expect(error.details?.smtpCode).toBeUndefined();
  });

  it("keeps working after a refusal: the pool recovers for the next message", async () => {
    const sink = await sinkWith({ rejectRecipients: (address) => (address.startsWith("no@") ? 550 : null) });
    const mailer = mailerFor(sink.port);
    await failureOf(mailer.send({ ...message, to: { email: "no@example.test" } }));
    await mailer.send(message);
    expect(await sink.waitFor(1)).toHaveLength(1);
  });

  it("never puts the message, the subject or the password in the error", async () => {
    const authSink = await sinkWith({ auth: { user: "taskgate", password: PASSWORD } });
    const refusingSink = await sinkWith({ rejectRecipients: () => 550 });
    const errors = [
      await failureOf(mailerFor(authSink.port, { user: "taskgate", password: `${PASSWORD}x` }).send(message)),
      await failureOf(mailerFor(refusingSink.port).send(message)),
      await failureOf(mailerFor(await closedPort(), { password: PASSWORD, user: "u" }).send(message)),
    ];
    for (const error of errors) {
      const seen = [error.message, String(error), error.stack ?? "", JSON.stringify(error)].join("\n");
      for (const secret of [SECRET_LINK, "tok_SECRET", message.subject, "batch 42", PASSWORD]) {
        expect(seen).not.toContain(secret);
      }
      expect(error.cause).toBeUndefined();
    }
  });
});
