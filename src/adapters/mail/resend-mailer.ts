import { TaskgateError } from "../../core/errors.js";
import type { Mailer, MailMessage, MailReceipt } from "../../ports/mailer.js";

export interface ResendMailConfig {
  apiKey: string;
  /** "Name <addr>" or a bare address, on a domain verified with Resend. */
  from: string;
  /** Defaults to https://api.resend.com. */
  baseUrl?: string;
  /** Whole request, answer included; defaults to 10 s. */
  timeoutMs?: number;
}

const DEFAULT_BASE_URL = "https://api.resend.com";
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends approval mail through Resend's HTTP API with nothing but fetch, so the same adapter runs
 * on Node, Workers, Deno and Bun. No idempotency key is sent: the port has none to offer.
 */
export function createResendMailer(config: ResendMailConfig, fetchImpl: typeof fetch = fetch): Mailer {
  const url = `${(config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}/emails`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async send(message: MailMessage): Promise<MailReceipt> {
      const to = formatRecipient(message.to);
      const body = JSON.stringify({
        from: config.from,
        to: [to],
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      let status: number;
      let text: string;
      try {
        const response = await fetchImpl(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${config.apiKey}`,
            "content-type": "application/json",
            accept: "application/json",
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        throw networkFailure(error, timeoutMs);
      }
      if (status >= 200 && status < 300) return { messageId: readId(text) };
      throw httpFailure(status, text);
    },
  };
}

/**
 * The recipient as one RFC 5322 mailbox: the name as a quoted-string unless it is plain words,
 * so a comma, quote or angle bracket in a name cannot split or redirect the address.
 */
export function formatRecipient(to: MailMessage["to"]): string {
  assertSafeAddress(to.email);
  const name = plainName(to.name);
  if (name === "") return to.email;
  if (/^[\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]+$/u.test(name)) return `${name} <${to.email}>`;
  return `"${name.replace(/["\\]/g, "\\$&")}" <${to.email}>`;
}

/** A display name on one line: line breaks and other control characters become spaces. */
export function plainName(name: string | null | undefined): string {
  return (name ?? "")
    .replace(/\p{Cc}+/gu, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

/**
 * Refuses an address that could smuggle a second recipient or a header (line breaks, brackets,
 * list separators, quotes, spaces): permanent, as no retry makes it valid.
 */
export function assertSafeAddress(email: string): void {
  if (/^[^\s<>,;"\\\p{Cc}]+@[^\s<>,;"\\@\p{Cc}]+$/u.test(email)) return;
  throw new TaskgateError("mail_failed", "recipient address refused: not a single plain address", {
    details: { retryable: false },
  });
}

function readId(text: string): string | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "id" in parsed && typeof parsed.id === "string") {
      return parsed.id;
    }
  } catch {
    // A 2xx without a JSON body still means accepted; there is just no id to keep.
  }
  return null;
}

/** 429 and 5xx are Resend or its limits having a moment; any other 4xx is about our request. */
function httpFailure(status: number, text: string): TaskgateError {
  const retryable = status === 429 || status >= 500;
  const { name, message } = resendError(text);
  const why = [name, message].filter((part) => part !== undefined).join(": ");
  return new TaskgateError("mail_failed", `Resend answered HTTP ${status}${why === "" ? "" : ` (${why})`}`, {
    details: { retryable, status, ...(name === undefined ? {} : { resendError: name }) },
  });
}

/** Resend's `{statusCode, name, message}`, bounded; nothing when the body is something else. */
function resendError(text: string): { name?: string; message?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    return {
      ...(typeof record.name === "string" ? { name: clip(record.name, 60) } : {}),
      ...(typeof record.message === "string" ? { message: clip(record.message, 300) } : {}),
    };
  } catch {
    return {};
  }
}

function networkFailure(error: unknown, timeoutMs: number): TaskgateError {
  // Only our own timeout signal can abort the request; runtimes differ on which name it gets.
  const name = typeof error === "object" && error !== null && "name" in error ? error.name : undefined;
  const timedOut = name === "TimeoutError" || name === "AbortError";
  const why = timedOut ? `no answer within ${timeoutMs} ms` : "network error";
  return new TaskgateError("mail_failed", `Resend request failed: ${why}`, {
    details: { retryable: true, ...(timedOut ? { timedOut: true } : {}) },
  });
}

function clip(value: string, max: number): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
