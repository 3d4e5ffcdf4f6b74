/**
 * What an approval's outcome did in CDF, in one sentence, for the pages and the API alike: an
 * approval is only as done as the task update that carries it ("Approved" alone would hide a
 * refused update, which is a dead letter until someone replays it).
 */

import { formatUtc } from "./format-time.js";
import type { ApprovalStatus, DeliveryView } from "./model.js";

/** A pending approval past its expiry is expired from that moment, before the sweep closes it. */
export function effectiveStatus(
  a: { status: ApprovalStatus; expiresAt: number },
  now: number,
): ApprovalStatus {
  return a.status === "pending" && a.expiresAt <= now ? "expired" : a.status;
}

/** The approval's state in a few words, for "Outcome:" lines. */
export function statusWords(status: ApprovalStatus): string {
  switch (status) {
    case "pending":
      return "Waiting for decisions";
    case "approved":
      return "Approved";
    case "rejected":
      return "Rejected";
    case "expired":
      return "Expired without an outcome";
    case "cancelled":
      return "Cancelled";
  }
}

/** What became of the outcome's task update; null while there is none to tell (pending, cancelled). */
export type DeliveryTail =
  | { kind: "accepted"; at: number | null }
  | { kind: "delivering" }
  | { kind: "refused"; error: string }
  | null;

export function deliveryTail(status: ApprovalStatus, delivery: DeliveryView | null): DeliveryTail {
  if (delivery === null || status === "pending" || status === "cancelled") return null;
  switch (delivery.status) {
    case "delivered":
      return { kind: "accepted", at: delivery.deliveredAt };
    case "pending":
      return { kind: "delivering" };
    case "dead":
      return { kind: "refused", error: delivery.lastError ?? "no reason was given" };
  }
}

/**
 * "Approved — CDF accepted the update at 2026-12-04 14:02 UTC", "Approved — delivering to CDF…",
 * "Approved, but CDF refused the update: …". Without a delivery (pending, cancelled, or expired
 * and not yet swept) just the state. The pages draw the same parts with `<time>` elements.
 */
export function outcomeSentence(status: ApprovalStatus, delivery: DeliveryView | null): string {
  const words = statusWords(status);
  if (status === "cancelled") return `${words}; CDF was not told`;
  const tail = deliveryTail(status, delivery);
  if (tail === null) return words;
  switch (tail.kind) {
    case "accepted":
      return tail.at === null
        ? `${words} — CDF accepted the update`
        : `${words} — CDF accepted the update at ${formatUtc(tail.at)}`;
    case "delivering":
      return `${words} — delivering to CDF…`;
    case "refused":
      return `${words}, but CDF refused the update: ${tail.error}`;
  }
}
