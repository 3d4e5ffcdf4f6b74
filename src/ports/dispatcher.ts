import type { DeliveryRecord } from "./store.js";

/**
 * How a stored delivery gets sent: "a delivery was stored, get it sent". The services call it
 * around the one atomic write that stores a delivery, and never ask which runtime they are in.
 *
 * Three calls, because the write is in the middle: whether this process may take the delivery
 * itself has to be decided before the write (the lease goes into the same write, so no other
 * worker can claim it), and the delivery may only be sent after the write committed.
 *
 * Implementations: in-process hand-off with a lease (the Node forwarder), claim-only (the
 * forwarder loop or a cron claims it later: CLI, tests), and Workers (`ctx.waitUntil`).
 */
export interface Dispatcher {
  /**
   * Before the write: may lease the draft to this process (sets `leaseOwner`, `leaseUntil` and
   * `claims = 1` on it) when it can send it directly, so the happy path needs no claim.
   */
  prepare(delivery: DeliveryRecord, now: number): void;
  /** After the write committed: start sending it (if leased here), or wake whoever claims it. */
  dispatched(delivery: DeliveryRecord): void;
  /** Something became due without a fresh write of ours (a replay, a released park): look soon. */
  kick(): void;
}
