import type { AuditDraft } from "../core/audit/entry.js";
import { canonicalJson } from "../core/canonical-json.js";
import { assertParkable, deliverUntil, draftDelivery, updateForWait } from "../core/delivery-draft.js";
import { TaskgateError } from "../core/errors.js";
import { duplicateDetail, ignoredDetail, parkedDetail } from "../core/hook-detail.js";
import { parseJsonChecked } from "../core/json-limits.js";
import { applyMapping } from "../core/mapping/source-mapping.js";
import type { Handshake } from "../core/signatures/types.js";
import type { DeliveryRecord, WaitRecord } from "../ports/store.js";
import { auditEntry, type RequestOrigin } from "./audit-entries.js";
import type { ServiceDeps } from "./deps.js";

const utf8 = new TextDecoder();

export interface InboundWebhook {
  method: string;
  /** The URL as the provider called it (public origin): Twilio signs it. */
  url: string;
  headers: Headers;
  rawBody: Uint8Array;
  query: Record<string, string>;
  /** For the audit entry; unknown when absent. */
  origin?: RequestOrigin;
}

export type HookOutcome =
  | { outcome: "queued" | "parked" | "ignored" | "duplicate"; deliveryId: string; detail?: string }
  | { outcome: "handshake"; handshake: Handshake };

/**
 * POST /hooks/:source. Verify on the raw bytes, map, then store exactly one of: queued (an open
 * wait matched: it closes), parked (no wait yet), ignored (not for us) — or recognise a duplicate
 * by the provider's message id — in one atomic step, before anything is acknowledged.
 */
export async function receiveHook(
  deps: ServiceDeps,
  name: string,
  req: InboundWebhook,
): Promise<HookOutcome> {
  const source = deps.sources?.get(name);
  if (!source) throw new TaskgateError("unknown_source", `no source named "${name}" is configured`);
  const now = deps.clock.now();
  const verified = await source.verify(
    { method: req.method, url: req.url, headers: req.headers, rawBody: req.rawBody },
    { now },
  );
  if (verified.handshake) return { outcome: "handshake", handshake: verified.handshake };

  const text = utf8.decode(verified.body ?? req.rawBody);
  const body = parseBody(text, req.headers.get("content-type") ?? "");
  const headers: Record<string, string> = {};
  req.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  const mapped = await applyMapping(source.mapping, body, { headers, query: req.query });
  const base = {
    id: deps.ids.newId(),
    source: name,
    correlationKey: mapped.correlationKey,
    dedupeKey: mapped.dedupeKey ?? (await messageKey(deps, source, verified.messageId, text)),
    now,
  };
  const bodySha256 = await deps.sha256(text);
  /** The entry recording what arrived and what became of it. */
  const received = (d: DeliveryRecord, outcome: string, duplicateOf?: string) =>
    auditEntry(
      deps,
      now,
      outcome === "duplicate" ? "webhook.duplicate" : "webhook.received",
      `source:${name}`,
      { deliveryId: duplicateOf ?? d.id, waitId: d.waitId },
      {
        source: name,
        outcome,
        dedupeKey: d.dedupeKey,
        correlationKey: d.correlationKey,
        bodySha256,
        ip: req.origin?.ip ?? null,
        userAgent: req.origin?.userAgent ?? null,
        reason: d.reason ?? undefined,
      },
    );

  if (mapped.status === null) {
    // Kept for dedupe and for the operator: what arrived and why it was ignored, not its content.
    const update = { status: "COMPLETED" as const, output: {} };
    const delivery = await draft(
      deps,
      base,
      { status: "ignored", update, reason: mapped.ignoredBecause ?? null },
      undefined,
      bodySha256,
    );
    return store(deps, delivery, null, "ignored", received);
  }

  const update = { status: mapped.status, output: mapped.output };
  // Every limit on the output is checked before anything is stored: a webhook parked with an
  // output no wait could ever forward would make registering its wait fail instead.
  const outputBytes = assertParkable(update, { deliveryId: base.id, source: name, receivedAt: now });
  const wait = await deps.store.findOpenWait(name, mapped.correlationKey!, now);
  if (wait) {
    const forwarded = updateForWait(
      update,
      wait,
      { deliveryId: base.id, source: wait.source, receivedAt: now },
      outputBytes,
    );
    const delivery = await draft(deps, base, { status: "pending", update: forwarded }, wait);
    deps.dispatcher.prepare(delivery, now);
    const audit = [received(delivery, "matched")];
    const r = await deps.store.receiveWebhook({ delivery, waitId: wait.id, now, audit });
    if (r.kind === "stored") {
      deps.logger.info("webhook matched a wait", { source: name, deliveryId: delivery.id, waitId: wait.id });
      deps.dispatcher.dispatched(delivery);
      return { outcome: "queued", deliveryId: delivery.id };
    }
    if (r.kind === "duplicate")
      return duplicate(deps, r.delivery, received(delivery, "duplicate", r.delivery.id));
    // The wait closed between the lookup and the write: keep the webhook for the next one.
  }
  const parked = await draft(deps, base, { status: "parked", update, parkUntil: now + source.parkForMs });
  return store(deps, parked, null, "parked", received);
}

/**
 * After a wait is registered: hand it the oldest webhook parked for its (source, key), if any
 * (the third party was faster than the function). Returns the wait as it now is.
 */
export async function releaseParkedFor(deps: ServiceDeps, wait: WaitRecord): Promise<WaitRecord> {
  if (wait.source === null || wait.correlationKey === null) return wait;
  const now = deps.clock.now();
  const parked = await deps.store.findParked(wait.source, wait.correlationKey, now);
  if (!parked) return wait;
  const update = updateForWait(parked.update, wait, {
    deliveryId: parked.id,
    source: wait.source,
    receivedAt: parked.createdAt,
  });
  const released = await deps.store.releaseParked({
    deliveryId: parked.id,
    wait,
    update,
    contentHash: parked.contentHash,
    deliverUntil: deliverUntil(now, deps.minRetryWindowMs, wait.expiresAt),
    now,
    audit: [
      auditEntry(
        deps,
        now,
        "parked.released",
        "system",
        { deliveryId: parked.id, waitId: wait.id },
        {
          source: wait.source,
          correlationKey: wait.correlationKey,
          taskId: wait.taskId,
        },
      ),
    ],
  });
  if (!released) return wait;
  deps.logger.info("parked webhook released to its wait", { deliveryId: parked.id, waitId: wait.id });
  deps.dispatcher.kick();
  return (await deps.store.getWait(wait.id)) ?? wait;
}

/**
 * The dedupe key when the mapping names none: the provider's message id when its signature covers
 * it; otherwise the SHA-256 of the body too, so a captured request replayed under a new id (which
 * anyone can write) is still a duplicate.
 */
async function messageKey(
  deps: ServiceDeps,
  source: { messageIdSigned: boolean },
  messageId: string | undefined,
  text: string,
): Promise<string | null> {
  if (source.messageIdSigned) return messageId ?? null;
  return `sha256:${await deps.sha256(text)}`;
}

/** A webhook's delivery record, its content hash taken over its mapped update unless given. */
async function draft(
  deps: ServiceDeps,
  base: { id: string; source: string; correlationKey: string | null; dedupeKey: string | null; now: number },
  what: Pick<DeliveryRecord, "status" | "update"> & Partial<Pick<DeliveryRecord, "reason" | "parkUntil">>,
  wait?: WaitRecord,
  contentHash?: string,
): Promise<DeliveryRecord> {
  const { now, ...ids } = base;
  return draftDelivery(
    deps.minRetryWindowMs,
    now,
    { ...ids, ...what, contentHash: contentHash ?? (await deps.sha256(canonicalJson(what.update))) },
    wait,
  );
}

async function store(
  deps: ServiceDeps,
  delivery: DeliveryRecord,
  waitId: null,
  outcome: "parked" | "ignored",
  received: (d: DeliveryRecord, outcome: string, duplicateOf?: string) => AuditDraft,
): Promise<HookOutcome> {
  const audit = [received(delivery, outcome)];
  const r = await deps.store.receiveWebhook({ delivery, waitId, now: delivery.createdAt, audit });
  if (r.kind === "duplicate")
    return duplicate(deps, r.delivery, received(delivery, "duplicate", r.delivery.id));
  deps.logger.info(`webhook ${outcome}`, {
    source: delivery.source,
    deliveryId: delivery.id,
    reason: delivery.reason,
  });
  if (outcome === "parked" && delivery.source !== null && delivery.correlationKey !== null) {
    const detail = parkedDetail(
      delivery.source,
      delivery.correlationKey,
      delivery.parkUntil ?? delivery.createdAt,
    );
    return { outcome, deliveryId: delivery.id, detail };
  }
  return { outcome, deliveryId: delivery.id, detail: ignoredDetail(delivery.reason) };
}

/** A duplicate changes nothing; its entry (who sent it again, from where) is written on its own. */
async function duplicate(
  deps: ServiceDeps,
  earlier: DeliveryRecord,
  entry: AuditDraft,
): Promise<HookOutcome> {
  await deps.store.audit.append([entry]);
  return { outcome: "duplicate", deliveryId: earlier.id, detail: duplicateDetail(earlier) };
}

/**
 * JSON, or form-encoded (Slack, Twilio); anything else that is not JSON is a 400. JSON is read
 * under the same depth and number checks as the API's bodies.
 */
export function parseBody(text: string, contentType: string): unknown {
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    // Slack interactive payloads carry their JSON in a `payload` field.
    if (typeof out.payload === "string") {
      try {
        return { ...out, payload: parseJsonChecked(out.payload) };
      } catch (err) {
        if (err instanceof TaskgateError && err.code !== "malformed_body") throw err;
        return out;
      }
    }
    return out;
  }
  try {
    return parseJsonChecked(text);
  } catch (err) {
    if (err instanceof TaskgateError && err.code !== "malformed_body") throw err;
    throw new TaskgateError("malformed_body", "the body is not valid JSON (nor form-encoded)");
  }
}
