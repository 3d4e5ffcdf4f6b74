import type { AddressInfo } from "node:net";
import type { HeaderValue } from "mailparser";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerError } from "smtp-server";

/** One message as the sink received it: envelope addresses, decoded content, the raw source. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO), the addresses the sink accepted. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Decoded headers by lower-case name (`to` keeps the display name, `subject` is decoded). */
  headers: Map<string, string>;
  raw: string;
}

export interface SmtpSinkOptions {
  /** Require AUTH with these credentials; without it the sink accepts anyone. */
  auth?: { user: string; password: string };
  /** A reply code (450, 550, ...) to refuse a recipient at RCPT TO, or null to accept it. */
  rejectRecipients?: (address: string) => number | null;
}

export interface SmtpSink {
  port: number;
  host: "127.0.0.1";
  messages: ReceivedMail[];
  /** Resolves once `count` messages have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a loopback port, so the SMTP mailer is tested over the wire (auth,
 * envelope refusals, MIME encoding) rather than against a mock of nodemailer.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const { auth, rejectRecipients } = options;

  const server = new SMTPServer({
    logger: false,
    authOptional: auth === undefined,
    allowInsecureAuth: true,
    disabledCommands: auth === undefined ? ["STARTTLS", "AUTH"] : ["STARTTLS"],
    closeTimeout: 100,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.password) {
        callback(null, { user: credentials.username });
        return;
      }
      callback(refusal(535, "Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      const code = rejectRecipients?.(address.address) ?? null;
      callback(code === null ? null : refusal(code, "Recipient refused by the test sink"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (parsed) => {
            const headers = new Map<string, string>();
            for (const [name, value] of parsed.headers) headers.set(name, headerText(value));
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: parsed.html || "",
              headers,
              raw,
            });
            for (const wake of waiters) wake();
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    host: "127.0.0.1",
    messages,
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          cleanup();
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`smtp sink: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function refusal(code: number, message: string): SMTPServerError {
  const error: SMTPServerError = new Error(message);
  error.responseCode = code;
  return error;
}

/** A parsed header as one readable string: addresses with their names, dates as ISO, values bare. */
function headerText(value: HeaderValue): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => headerText(item)).join(", ");
  if ("text" in value && typeof value.text === "string") return value.text;
  if ("value" in value && typeof value.value === "string") return value.value;
  return JSON.stringify(value);
}
