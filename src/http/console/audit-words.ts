import type { AuditEntry } from "../../ports/audit-store.js";

/** How an entry reads on a timeline: what happened in plain words, and the facts worth showing. */
export interface AuditLine {
  title: string;
  /** The status word its badge is drawn in (see `Badge`), when the step has an outcome. */
  status?: string;
  /** Label and value, in reading order; only facts that are present. */
  facts: [label: string, value: string][];
}

/**
 * Reads an entry's facts by name, as text. Only the fields named per kind below are ever shown:
 * an entry holds no secret, token or body, and a field added later stays hidden until named here.
 */
function factsOf(data: Record<string, unknown>) {
  const out: [string, string][] = [];
  const add = (label: string, value: unknown, show: (v: string) => string = (v) => v) => {
    if (value === undefined || value === null || value === "") return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      out.push([label, show(String(value))]);
    }
  };
  return {
    out,
    add,
    field: (name: string, label: string, show?: (v: string) => string) => add(label, data[name], show),
  };
}

/** "2026-11-28 19:40:05 UTC": a timeline's steps are often seconds apart. */
export function utcSeconds(at: number): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime())
    ? "an unknown time"
    : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const ms = (v: string) => `${v} ms`;
const plain = (v: string) => v.replace(/_/g, " ");

const OPERATOR_ACTIONS: Record<string, string> = {
  replay: "Replayed by an operator",
  replay_bulk: "Replayed in bulk by an operator",
  cancel_wait: "Wait cancelled by an operator",
  resolve_task: "Task completed or failed by hand",
  cancel_approval: "Approval cancelled by an operator",
  resend_mail: "Mail resent by an operator",
  release_parked: "Parked webhook released by an operator",
  discard_parked: "Parked webhook discarded by an operator",
};

const WEBHOOK_OUTCOMES: Record<string, string> = {
  matched: "Webhook received and matched to its wait",
  parked: "Webhook received and parked (no open wait yet)",
  ignored: "Webhook received and ignored",
};

/** The words and facts of one audit entry (its time, actor and seal are drawn by the timeline). */
export function describeAuditEntry(e: AuditEntry): AuditLine {
  const d = e.data;
  const { out: facts, field, add } = factsOf(d);
  const str = (name: string) => (typeof d[name] === "string" ? (d[name] as string) : undefined);
  switch (e.kind) {
    case "webhook.received":
    case "webhook.duplicate": {
      const outcome = str("outcome");
      field("source", "Source");
      field("correlationKey", "Correlation key");
      field("dedupeKey", "Dedupe key");
      field("reason", "Reason");
      field("ip", "From");
      field("userAgent", "User agent");
      field("bodySha256", "Body SHA-256");
      return {
        title:
          e.kind === "webhook.duplicate"
            ? "Duplicate webhook (already stored, not forwarded again)"
            : ((outcome && WEBHOOK_OUTCOMES[outcome]) ?? "Webhook received"),
        status: e.kind === "webhook.duplicate" ? "ignored" : outcome === "matched" ? "pending" : outcome,
        facts,
      };
    }
    case "callback.received":
      field("ip", "From");
      field("userAgent", "User agent");
      field("bodySha256", "Body SHA-256");
      return {
        title: `Callback received${str("status") ? `: ${str("status")}` : ""}`,
        status: "pending",
        facts,
      };
    case "parked.released":
      field("source", "Source");
      field("correlationKey", "Correlation key");
      return { title: "Parked webhook released to its wait", status: "pending", facts };
    case "parked.expired":
      field("source", "Source");
      field("correlationKey", "Correlation key");
      if (typeof d.parkUntil === "number") add("Parked until", utcSeconds(d.parkUntil));
      return { title: "Parked webhook expired: no wait claimed it in time", status: "expired", facts };
    case "delivery.attempt":
    case "delivery.delivered":
    case "delivery.dead": {
      field("cdfStatus", "CDF status");
      field("cdfRequestId", "CDF x-request-id");
      field("durationMs", "Took", ms);
      field("error", "Message");
      const n = typeof d.attempt === "number" ? `Attempt ${d.attempt}` : "Attempt";
      if (e.kind === "delivery.attempt") {
        if (typeof d.nextAttemptAt === "number") add("Next attempt", utcSeconds(d.nextAttemptAt));
        return { title: `${n} failed; it will be retried`, status: "retry", facts };
      }
      return e.kind === "delivery.delivered"
        ? { title: `${n}: CDF accepted the update`, status: "delivered", facts }
        : { title: `${n}: given up (dead letter)`, status: "dead", facts };
    }
    case "wait.created":
      field("source", "Source");
      field("correlationKey", "Correlation key");
      return { title: "Wait registered", status: "open", facts };
    case "wait.cancelled":
      return { title: "Wait cancelled", status: "cancelled", facts };
    case "wait.expired":
      return { title: "Wait expired", status: "expired", facts };
    case "approval.created": {
      field("title", "Title");
      const approvers = Array.isArray(d.approvers) ? d.approvers.filter((a) => typeof a === "string") : [];
      if (approvers.length) add("Approvers", approvers.join(", "));
      const policy = d.policy as { kind?: unknown } | undefined;
      if (policy && typeof policy.kind === "string") add("Policy", policy.kind);
      return { title: "Approval created", status: "pending", facts };
    }
    case "approval.mailed":
      field("email", "To");
      field("messageId", "Message id");
      return { title: "Approval mail sent", status: "sent", facts };
    case "approval.decided": {
      const decision = str("decision");
      field("comment", "Comment");
      field("ip", "From");
      field("userAgent", "User agent");
      return {
        title: `${str("email") ?? "An approver"} ${decision === "approve" ? "approved" : decision === "reject" ? "rejected" : "decided"}`,
        status: decision === "approve" ? "approved" : decision === "reject" ? "rejected" : undefined,
        facts,
      };
    }
    case "approval.closed": {
      const outcome = str("outcome");
      return {
        title: `Approval closed${outcome ? `: ${outcome}` : ""}; its outcome goes to CDF`,
        status: outcome,
        facts,
      };
    }
    case "approval.cancelled":
      return { title: "Approval cancelled", status: "cancelled", facts };
    case "operator.action": {
      const action = str("action") ?? "";
      if (action === "replay_bulk") {
        // What the operator asked to replay (each replayed delivery has its own entry; entries
        // written before that carry the count instead).
        field("status", "Selected by status");
        field("source", "Selected by source");
        if (typeof d.since === "number") add("Created from", utcSeconds(d.since));
        if (typeof d.until === "number") add("Created before", utcSeconds(d.until));
        field("count", "Deliveries");
        return { title: OPERATOR_ACTIONS[action]!, facts };
      }
      field("status", "Status");
      field("count", "Deliveries");
      field("source", "Source");
      return { title: OPERATOR_ACTIONS[action] ?? `Operator action: ${plain(action)}`, facts };
    }
    default:
      return { title: plain(String(e.kind)), facts };
  }
}
