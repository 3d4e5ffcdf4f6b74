import nodemailer from "nodemailer";
import { TaskgateError } from "../../core/errors.js";
import type { Mailer, MailMessage, MailReceipt } from "../../ports/mailer.js";
import { assertSafeAddress, plainName } from "./resend-mailer.js";

export interface SmtpMailConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). */
  secure?: boolean;
  /** Refuse to send unless the server upgrades with STARTTLS. */
  requireTls?: boolean;
  user?: string;
  password?: string;
  /** "Name <addr>" or a bare address. */
  from: string;
  /** Connect and greeting timeout; an idle socket is given six times as long. */
  connectionTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Codes that say the same message would fail again however often it is retried: the server
 * refused our credentials, or nodemailer refused the message or its configuration before sending.
 */
const PERMANENT_CODES = new Set([
  "EAUTH",
  "ENOAUTH",
  "EOAUTH2",
  "ECONFIG",
  "EENVELOPE",
  "EMAXRECIPIENTS",
  "EREQUIRETLS",
]);

/**
 * Sends approval mail over SMTP (Node only). A small pool keeps a connection warm across a burst
 * of approvers without opening one per message; `close()` ends it so the process can exit.
 */
export function createSmtpMailer(config: SmtpMailConfig): Mailer {
  const timeout = config.connectionTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 2,
    host: config.host,
    port: config.port,
    secure: config.secure ?? false,
    requireTLS: config.requireTls ?? false,
    auth: config.user === undefined ? undefined : { user: config.user, pass: config.password ?? "" },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 6,
    // Never: the transcript holds the message, and the message holds a bearer link.
    logger: false,
    debug: false,
  });

  return {
    async send(message: MailMessage): Promise<MailReceipt> {
      const { email } = message.to;
      assertSafeAddress(email);
      try {
        const info = await transport.sendMail({
          from: config.from,
          // An object, never a string: nodemailer parses a string as a list of addresses.
          to: { name: plainName(message.to.name), address: email },
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
        return { messageId: typeof info.messageId === "string" ? info.messageId : null };
      } catch (error) {
        throw smtpFailure(error);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/**
 * A mail_failed error from whatever nodemailer threw. Only the SMTP reply code and nodemailer's
 * error code are kept: the server's reply text and nodemailer's message can echo what we sent.
 */
function smtpFailure(error: unknown): TaskgateError {
  const fields: { code?: unknown; responseCode?: unknown } =
    typeof error === "object" && error !== null ? error : {};
  const code = typeof fields.code === "string" ? fields.code : undefined;
  const smtpCode = typeof fields.responseCode === "number" ? fields.responseCode : undefined;
  const retryable = isRetryable(code, smtpCode);
  const parts = [code, smtpCode === undefined ? undefined : `reply ${smtpCode}`].filter(Boolean);
  const why = parts.length > 0 ? parts.join(", ") : "unknown error";
  return new TaskgateError(
    "mail_failed",
    `SMTP send failed (${why}); ${retryable ? "transient" : "permanent"}`,
    {
      details: {
        retryable,
        ...(code === undefined ? {} : { errorCode: code }),
        ...(smtpCode === undefined ? {} : { smtpCode }),
      },
    },
  );
}

/**
 * The reply class decides when the server gave one (RFC 5321: 4yz transient, 5yz permanent; a
 * 454 to AUTH is a temporary auth failure). Without a reply, a lost or refused connection is
 * worth retrying and a refusal made before anything was sent is not.
 */
function isRetryable(code: string | undefined, smtpCode: number | undefined): boolean {
  if (smtpCode !== undefined && smtpCode >= 400 && smtpCode < 500) return true;
  if (smtpCode !== undefined && smtpCode >= 500 && smtpCode < 600) return false;
  return code === undefined || !PERMANENT_CODES.has(code);
}
