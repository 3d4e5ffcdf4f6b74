import { canonicalJson, utf8Length } from "../core/canonical-json.js";
import {
  draftDelivery,
  type SettledCallback,
  settledCallback,
  updateForWait,
} from "../core/delivery-draft.js";
import { TaskgateError } from "../core/errors.js";
import { assertOutputAllowed } from "../core/output.js";
import type { UpdateStatus } from "../core/task-status.js";
import { auditEntry, type RequestOrigin } from "./audit-entries.js";
import type { ServiceDeps } from "./deps.js";

export interface CallbackBody {
  status?: UpdateStatus | undefined;
  output?: Record<string, unknown> | undefined;
}

export type CallbackOutcome = { outcome: "queued"; deliveryId: string; waitId: string } | SettledCallback;

/** The wait a callback URL names, once its token is verified (`token_invalid`, `token_expired`). */
export async function callbackWaitId(deps: ServiceDeps, token: string): Promise<string> {
  return (await deps.tokens.verify(token, "callback", deps.clock.now())).sub;
}

/**
 * A call to a wait's callback URL (its token already verified): close the wait and store the delivery
 * in one atomic step before anything is acknowledged. The same result again is a duplicate (the
 * sender retried); a different result after the first is refused, never forwarded.
 */
export async function acceptCallback(
  deps: ServiceDeps,
  waitId: string,
  body: CallbackBody,
  /** Who called: the callback URL's holder (default), or an operator resolving by hand. */
  by: { actor: string; origin?: RequestOrigin | undefined } = { actor: "callback" },
): Promise<CallbackOutcome> {
  // The output is serialised once: its size is what CDF's limit counts, and the body's hash
  // (canonicalJson of `{status, output}`, whose keys sort as "output" < "status") is built around it.
  const outputJson = body.output ? canonicalJson(body.output) : "null";
  const outputBytes = body.output ? utf8Length(outputJson) : 2;
  if (body.output) assertOutputAllowed(body.output, outputBytes);
  const now = deps.clock.now();
  const wait = await deps.store.getWait(waitId);
  if (!wait) throw new TaskgateError("wait_not_found", "the wait behind this callback URL no longer exists");

  const status = body.status ?? "COMPLETED";
  const bodyHash = await deps.sha256(callbackBodyJson(status, outputJson));
  if (wait.status !== "open" || wait.expiresAt <= now) return settledCallback(wait, bodyHash);

  const deliveryId = deps.ids.newId();
  const update = updateForWait(
    { status, output: body.output },
    wait,
    { deliveryId, source: wait.source ?? "callback", receivedAt: now },
    outputBytes,
  );
  const delivery = draftDelivery(
    deps.minRetryWindowMs,
    now,
    { id: deliveryId, status: "pending", update, contentHash: bodyHash, source: wait.source },
    wait,
  );
  deps.dispatcher.prepare(delivery, now);
  const audit = [
    auditEntry(
      deps,
      now,
      "callback.received",
      by.actor,
      { waitId: wait.id, deliveryId },
      {
        status,
        taskId: wait.taskId,
        bodySha256: bodyHash,
        ip: by.origin?.ip ?? null,
        userAgent: by.origin?.userAgent ?? null,
      },
    ),
  ];
  const result = await deps.store.acceptCallback({ waitId: wait.id, now, delivery, audit });
  switch (result.kind) {
    case "accepted":
      deps.logger.debug("callback accepted", { waitId: wait.id, deliveryId, taskId: wait.taskId, status });
      deps.dispatcher.dispatched(delivery);
      return { outcome: "queued", deliveryId, waitId: wait.id };
    case "not_found":
      throw new TaskgateError("wait_not_found", "the wait behind this callback URL no longer exists");
    default:
      return settledCallback(result.wait, bodyHash);
  }
}

/** `canonicalJson({ status, output })` from the output's canonical JSON: the hash a retry matches. */
export function callbackBodyJson(status: UpdateStatus, outputJson: string): string {
  return `{"output":${outputJson},"status":${JSON.stringify(status)}}`;
}
