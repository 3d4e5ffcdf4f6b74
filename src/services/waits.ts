import { updateForWait } from "../core/delivery-draft.js";
import { TaskgateError } from "../core/errors.js";
import { assertOutputAllowed } from "../core/output.js";
import type { Page, WaitFilter, WaitRecord } from "../ports/store.js";
import { auditEntry } from "./audit-entries.js";
import { CALLBACK_TOKEN_GRACE_MS, type ServiceDeps } from "./deps.js";
import { releaseParkedFor } from "./hooks.js";
import { openTaskFor } from "./task-guard.js";
import { waitExpiredEntry } from "./wait-expiry.js";

export interface CreateWaitInput {
  taskId?: string | undefined;
  executionId?: string | undefined;
  taskExternalId?: string | undefined;
  source?: string | undefined;
  correlationKey?: string | undefined;
  expiresAt?: number | undefined;
  ttlMs?: number | undefined;
  output?: Record<string, unknown> | undefined;
  metadata?: Record<string, unknown> | undefined;
  allowMultiple?: boolean | undefined;
}

export interface CreatedWait {
  wait: WaitRecord;
  callbackUrl: string;
}

/**
 * Registers a wait; resolves `executionId + taskExternalId` to a task id through CDF, and refuses
 * a task that can no longer take an update (see openTaskFor).
 */
export async function createWait(
  deps: ServiceDeps,
  input: CreateWaitInput,
  actor = "api",
): Promise<CreatedWait> {
  const now = deps.clock.now();
  const expiresAt = resolveExpiry(deps, input, now);
  if (input.output) assertOutputAllowed(input.output);

  const { taskId, taskExternalId } = await openTaskFor(deps, input);

  const wait: WaitRecord = {
    id: deps.ids.newId(),
    taskId,
    executionId: input.executionId ?? null,
    taskExternalId,
    source: input.source ?? null,
    correlationKey: input.correlationKey ?? null,
    status: "open",
    output: input.output ?? null,
    metadata: input.metadata ?? null,
    createdAt: now,
    expiresAt,
    closedAt: null,
    deliveryId: null,
    closedWithHash: null,
  };
  await assertParkedFits(deps, wait, now);
  const audit = [
    auditEntry(
      deps,
      now,
      "wait.created",
      actor,
      { waitId: wait.id },
      {
        taskId,
        source: wait.source,
        correlationKey: wait.correlationKey,
        expiresAt,
      },
    ),
  ];
  if (wait.source !== null && wait.correlationKey !== null) {
    // An expired wait no sweep has closed yet gives way to this one: closed here, with its entry.
    await deps.store.expireWaits(now, (w) => waitExpiredEntry(deps.ids, now, w), {
      source: wait.source,
      correlationKey: wait.correlationKey,
    });
  }
  if (!(await deps.store.createWait(wait, audit))) {
    throw new TaskgateError(
      "wait_conflict",
      `an open wait already exists for source "${wait.source}" and this correlation key`,
      { details: { source: wait.source } },
    );
  }
  deps.logger.info("wait registered", { waitId: wait.id, taskId, source: wait.source, expiresAt });
  const url = await callbackUrl(deps, wait, now);
  return { wait: await releaseParkedFor(deps, wait), callbackUrl: url };
}

/**
 * A webhook parked for this wait must still fit once merged with the wait's template: found out
 * here, before the wait is stored, rather than after (a stored wait whose release fails would
 * answer every retry with a conflict).
 */
async function assertParkedFits(deps: ServiceDeps, wait: WaitRecord, now: number): Promise<void> {
  if (wait.source === null || wait.correlationKey === null || wait.output === null) return;
  const parked = await deps.store.findParked(wait.source, wait.correlationKey, now);
  if (parked) {
    updateForWait(parked.update, wait, { deliveryId: parked.id, source: wait.source, receivedAt: now });
  }
}

async function callbackUrl(deps: ServiceDeps, wait: WaitRecord, now: number): Promise<string> {
  const token = await deps.tokens.sign(
    { purpose: "callback", subject: wait.id, expiresAt: wait.expiresAt + CALLBACK_TOKEN_GRACE_MS },
    now,
    deps.ids.newId(),
  );
  return `${deps.publicUrl}/v1/callbacks/${token}`;
}

export async function getWait(deps: ServiceDeps, id: string): Promise<WaitRecord> {
  const wait = await deps.store.getWait(id);
  if (!wait) throw new TaskgateError("wait_not_found", `no wait with id ${id}`);
  return wait;
}

export function listWaits(deps: ServiceDeps, filter: WaitFilter): Promise<Page<WaitRecord>> {
  return deps.store.listWaits(filter);
}

/** Cancels an open wait. CDF is not told: the task stays IN_PROGRESS until something else acts. */
export async function cancelWait(deps: ServiceDeps, id: string, actor = "api"): Promise<WaitRecord> {
  const now = deps.clock.now();
  const wait = await deps.store.cancelWait(id, now, [
    auditEntry(deps, now, "wait.cancelled", actor, { waitId: id }),
  ]);
  if (!wait) throw new TaskgateError("wait_not_found", `no wait with id ${id}`);
  if (wait.status !== "cancelled") {
    throw new TaskgateError("wait_closed", `the wait is already ${wait.status}`, {
      details: { status: wait.status },
    });
  }
  deps.logger.info("wait cancelled", { waitId: id });
  return wait;
}

function resolveExpiry(deps: ServiceDeps, input: CreateWaitInput, now: number): number {
  const expiresAt = input.expiresAt ?? now + (input.ttlMs ?? deps.waits.defaultTtlMs);
  if (expiresAt <= now) {
    throw new TaskgateError("invalid_request", "expiresAt must be in the future", {
      details: { path: "expiresAt" },
    });
  }
  if (expiresAt > now + deps.waits.maxTtlMs) {
    throw new TaskgateError(
      "invalid_request",
      `a wait may last at most ${Math.round(deps.waits.maxTtlMs / 3_600_000)} h (waits.maxTtl)`,
      { details: { path: input.expiresAt === undefined ? "ttl" : "expiresAt" } },
    );
  }
  return expiresAt;
}
