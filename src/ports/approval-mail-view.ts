import type { ApprovalRecord } from "./approval-store.js";
import type { MailMessage } from "./mailer.js";

/** What the outbox decided to send: this approver of this approval, with their own link. */
export interface ApprovalMailInput {
  approval: ApprovalRecord;
  approverIndex: number;
  /** The approver's personal link to the confirmation page. */
  link: string;
  /** When the mail is rendered, for "expires in 23 hours". */
  now: number;
}

/**
 * Turns an approval mail into a message (subject, HTML and text). Injected into the outbox by the
 * composition root, so services decide what is sent and the view (beside the pages) how it looks.
 */
export type RenderApprovalMail = (input: ApprovalMailInput) => Promise<MailMessage>;
