import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ResendApiFake, startResendApiFake } from "../../../test/support/resend-api-fake.js";
import { TaskgateError } from "../../core/errors.js";
import type { MailMessage } from "../../ports/mailer.js";
import { createResendMailer, formatRecipient, type ResendMailConfig } from "./resend-mailer.js";

const API_KEY = "re_TEST_0123456789_secret";
const SECRET_LINK = "https://taskgate.test/a/tok_SECRET-BEARER-LINK";

const message: MailMessage = {
  to: { email: "oystein@example.test", name: "Ærlig Øystein" },
  subject: "Approve pump P-101 restart — batch 42",
  text: `Open ${SECRET_LINK} to decide.`,
  html: `<p><a href="${SECRET_LINK}">Decide</a></p>`,
};

let fake: ResendApiFake;

beforeAll(async () => {
  fake = await startResendApiFake(API_KEY);
});
afterAll(() => fake?.close());
beforeEach(() => {
  fake.messages.length = 0;
  fake.requests.length = 0;
});

function mailer(extra: Partial<ResendMailConfig> = {}) {
  return createResendMailer({
    apiKey: API_KEY,
    from: "Taskgate <approvals@taskgate.test>",
    baseUrl: fake.url,
    ...extra,
  });
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

function exposed(error: TaskgateError): string {
  return [error.message, String(error), error.stack ?? "", JSON.stringify(error)].join("\n");
}

describe("Resend mailer against a local Resend API", () => {
  it("returns the id Resend gave the accepted email", async () => {
    const receipt = await mailer().send(message);
    expect(fake.messages).toHaveLength(1);
    expect(receipt.messageId).toBe(fake.messages[0]?.id);
  });

  it("posts JSON to /emails with the bearer key and every field of the message", async () => {
    await mailer({ baseUrl: `${fake.url}/` }).send(message);
    const [request] = fake.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/emails");
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["idempotency-key"]).toBeUndefined();
    expect(JSON.parse(request?.body ?? "")).toEqual({
      from: "Taskgate <approvals@taskgate.test>",
      to: ["Ærlig Øystein <oystein@example.test>"],
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
  });

  it("sends a bare address when the recipient has no name", async () => {
    await mailer().send({ ...message, to: { email: "plain@example.test", name: null } });
    expect(fake.messages[0]?.to).toEqual(["plain@example.test"]);
  });

  it("quotes a name with a comma, quotes or angle brackets, and Resend accepts it", async () => {
    await mailer().send({ ...message, to: { email: "jd@example.test", name: 'Doe, "JD" <boss> \\ co' } });
    expect(fake.messages[0]?.to).toEqual(['"Doe, \\"JD\\" <boss> \\\\ co" <jd@example.test>']);
  });

  it("flattens CR/LF in a name so it cannot start a header", async () => {
    await mailer().send({ ...message, to: { email: "jd@example.test", name: "Evil\r\nBcc: x@evil.test" } });
    expect(fake.messages[0]?.to).toEqual(['"Evil Bcc: x@evil.test" <jd@example.test>']);
  });

  it.each([
    "jd@example.test\r\nBcc: x@evil.test",
    "jd@example.test\n",
    "<jd@example.test>",
    "Evil <x@evil.test>",
    "jd@example.test, x@evil.test",
    "not-an-address",
  ])("refuses the address %j for good, without sending a request", async (email) => {
    const error = await failureOf(mailer().send({ ...message, to: { email } }));
    expect(error.code).toBe("mail_failed");
    expect(error.details).toEqual({ retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([503, 500, 429])("retries HTTP %i", async (status) => {
    fake.failNext(status);
    const error = await failureOf(mailer().send(message));
    expect(error.code).toBe("mail_failed");
    expect(error.details).toMatchObject({ retryable: true, status });
    expect(fake.messages).toHaveLength(0);
  });

  it("names Resend's error in the message", async () => {
    fake.failNext(429);
    const error = await failureOf(mailer().send(message));
    expect(error.message).toBe("Resend answered HTTP 429 (rate_limit_exceeded: Injected failure.)");
    expect(error.details).toEqual({ retryable: true, status: 429, resendError: "rate_limit_exceeded" });
  });

  it("succeeds again once queued failures are used up", async () => {
    fake.failNext(503, 2);
    const m = mailer();
    await failureOf(m.send(message));
    await failureOf(m.send(message));
    await m.send(message);
    expect(fake.messages).toHaveLength(1);
  });

  it("gives up on a 422 validation error (a sender Resend refuses)", async () => {
    const error = await failureOf(mailer({ from: "not a sender" }).send(message));
    expect(error.details).toEqual({ retryable: false, status: 422, resendError: "validation_error" });
  });

  it("gives up on a wrong API key (403 invalid_api_key)", async () => {
    const error = await failureOf(mailer({ apiKey: "re_wrong_key" }).send(message));
    expect(error.details).toEqual({ retryable: false, status: 403, resendError: "invalid_api_key" });
  });

  it("gives up on a missing API key (401 missing_api_key)", async () => {
    const error = await failureOf(mailer({ apiKey: "" }).send(message));
    expect(error.details).toEqual({ retryable: false, status: 401, resendError: "missing_api_key" });
  });

  it("retries when nothing listens at the base URL", async () => {
    const closed = await listen(createServer());
    await close(closed.server);
    const error = await failureOf(mailer({ baseUrl: closed.url }).send(message));
    expect(error.details).toEqual({ retryable: true });
    expect(error.message).toBe("Resend request failed: network error");
  });

  it("never puts the API key, the link or the subject in an error", async () => {
    fake.failNext(503);
    fake.failNext(422);
    const errors = [
      await failureOf(mailer().send(message)),
      await failureOf(mailer().send(message)),
      await failureOf(mailer({ apiKey: `${API_KEY}x` }).send(message)),
    ];
    for (const error of errors) {
      for (const secret of [API_KEY, SECRET_LINK, "tok_SECRET", message.subject]) {
        expect(exposed(error)).not.toContain(secret);
      }
    }
  });
});

describe("Resend mailer against a server that never answers", () => {
  let silent: { server: Server; url: string };

  beforeAll(async () => {
    silent = await listen(createServer(() => {}));
  });
  afterAll(() => close(silent.server));

  it("times out after timeoutMs and calls it retryable", async () => {
    const started = Date.now();
    const error = await failureOf(mailer({ baseUrl: silent.url, timeoutMs: 150 }).send(message));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.details).toEqual({ retryable: true, timedOut: true });
    expect(error.message).toBe("Resend request failed: no answer within 150 ms");
    expect(exposed(error)).not.toContain(API_KEY);
  });
});

describe("Resend mailer with the fetch it is given", () => {
  const config = { apiKey: API_KEY, from: "approvals@taskgate.test" };

  it("sends through that fetch rather than the global one", async () => {
    const urls: string[] = [];
    const fetchImpl: typeof fetch = async (input) => {
      urls.push(String(input));
      return Response.json({ id: "em_123" });
    };
    expect(await createResendMailer(config, fetchImpl).send(message)).toEqual({ messageId: "em_123" });
    expect(urls).toEqual(["https://api.resend.com/emails"]);
  });

  it("counts a 2xx without an id as accepted, with no message id", async () => {
    const fetchImpl: typeof fetch = async () => new Response("", { status: 202 });
    expect(await createResendMailer(config, fetchImpl).send(message)).toEqual({ messageId: null });
  });

  it("retries a 502 whose body is a proxy's HTML page, and keeps the page out of the error", async () => {
    const fetchImpl: typeof fetch = async () => new Response("<html>Bad gateway</html>", { status: 502 });
    const error = await failureOf(createResendMailer(config, fetchImpl).send(message));
    expect(error.message).toBe("Resend answered HTTP 502");
    expect(error.details).toEqual({ retryable: true, status: 502 });
  });
});

describe("formatRecipient", () => {
  it.each([
    [{ email: "a@x.test" }, "a@x.test"],
    [{ email: "a@x.test", name: "  " }, "a@x.test"],
    [{ email: "a@x.test", name: "Ada Lovelace" }, "Ada Lovelace <a@x.test>"],
    [{ email: "a@x.test", name: "Lovelace, Ada" }, '"Lovelace, Ada" <a@x.test>'],
    [{ email: "a@x.test", name: "A. Lovelace" }, '"A. Lovelace" <a@x.test>'],
    [{ email: "a@x.test", name: 'say "hi"' }, '"say \\"hi\\"" <a@x.test>'],
  ])("formats %j as %s", (to, expected) => {
    expect(formatRecipient(to)).toBe(expected);
  });
});

async function listen(server: Server): Promise<{ server: Server; url: string }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
