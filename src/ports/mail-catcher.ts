import type { MailMessage } from "./mailer.js";
import type { Page } from "./store.js";

/** A message a capturing mailer kept instead of sending (local mode's mail catcher). */
export interface CapturedMail {
  id: string;
  capturedAt: number;
  message: MailMessage;
}

/** Reads what a capturing mailer kept, newest first, so the console can show mail as sent. */
export interface MailCatcher {
  listCaptured(filter: { cursor?: string | undefined; limit: number }): Page<CapturedMail>;
  getCaptured(id: string): CapturedMail | undefined;
}
