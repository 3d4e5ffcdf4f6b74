import { expect } from "vitest";
import { uuid7 } from "../../src/adapters/runtime/uuid7-ids.js";
import type { Store } from "../../src/ports/store.js";
import type { AttemptRecord, DeliveryRecord, WaitRecord } from "../../src/ports/store-records.js";

/** What each dialect's runner hands the store contract: a fresh store, and how to drop it. */
export interface StoreHarness {
  store: Store;
  cleanup(): Promise<void>;
}

export const T0 = 1_750_000_000_000;
let seq = 0;
export const newId = (at = T0) => uuid7(at + seq++, crypto.getRandomValues(new Uint8Array(10)));

export function aWait(over: Partial<WaitRecord> = {}): WaitRecord {
  return {
    id: newId(),
    taskId: crypto.randomUUID(),
    executionId: null,
    taskExternalId: null,
    source: null,
    correlationKey: null,
    status: "open",
    output: null,
    metadata: null,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    closedAt: null,
    deliveryId: null,
    closedWithHash: null,
    ...over,
  };
}

export function aDelivery(wait: WaitRecord, over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: newId(),
    waitId: wait.id,
    taskId: wait.taskId,
    executionId: wait.executionId,
    source: wait.source,
    correlationKey: null,
    dedupeKey: null,
    parkUntil: null,
    reason: null,
    status: "pending",
    update: { status: "COMPLETED", output: { ok: true, nested: { n: 1 } } },
    contentHash: "hash-a",
    attempts: 0,
    claims: 0,
    nextAttemptAt: T0,
    deliverUntil: T0 + 3_600_000,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: T0,
    updatedAt: T0,
    deliveredAt: null,
    ...over,
  };
}

export const anAttempt = (d: DeliveryRecord, over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  deliveryId: d.id,
  attempt: d.attempts + 1,
  startedAt: T0 + 1,
  finishedAt: T0 + 2,
  outcome: "delivered",
  httpStatus: 200,
  requestId: "req-1",
  error: null,
  ...over,
});

/** Registers `wait` and accepts a callback for it; the delivery it stored. */
export async function accepted(
  store: Store,
  wait: WaitRecord,
  over: Partial<DeliveryRecord> = {},
): Promise<DeliveryRecord> {
  await store.createWait(wait);
  const delivery = aDelivery(wait, over);
  const r = await store.acceptCallback({ waitId: wait.id, now: T0 + 10, delivery });
  expect(r.kind).toBe("accepted");
  return delivery;
}

/** `count` callbacks accepted, each claimed and dead-lettered (CDF answered 400); their ids, oldest first. */
export async function deadLetters(store: Store, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = await accepted(store, aWait());
    const [leased] = await store.claimDue(T0 + 20, "w", 60_000, 10);
    const attempt = anAttempt(leased!, { outcome: "dead", httpStatus: 400 });
    expect(await store.recordAttempt(d.id, "w", T0 + 30, { kind: "dead", attempt })).toBe(true);
    ids.push(d.id);
  }
  return ids;
}
