/** One message to one recipient: plain text and HTML of the same content. */
export interface MailMessage {
  to: { email: string; name?: string | null };
  subject: string;
  text: string;
  html: string;
}

/** What the provider said it accepted; its own id, when it gives one, for the operator's trail. */
export interface MailReceipt {
  messageId: string | null;
}

/**
 * Sends mail. Adapters throw `TaskgateError("mail_failed")` with `details.retryable` telling a
 * transient refusal (connection lost, 4xx SMTP reply, HTTP 429/5xx) from a permanent one (5xx
 * SMTP reply, HTTP 4xx other than 429): the outbox retries the first and gives up on the second.
 * The message never appears in the error (it holds the approval link, a bearer credential).
 */
export interface Mailer {
  send(message: MailMessage): Promise<MailReceipt>;
  close?(): Promise<void>;
}
