import { describe, expect, it } from "vitest";
import { deliverUntil, draftDelivery, settledCallback } from "./delivery-draft.js";
import { TaskgateError } from "./errors.js";
import type { WaitRecord } from "./records.js";

const wait: WaitRecord = {
  id: "w1",
  taskId: "t1",
  executionId: "e1",
  taskExternalId: null,
  source: null,
  correlationKey: null,
  status: "open",
  output: null,
  metadata: null,
  createdAt: 0,
  expiresAt: 10_000,
  closedAt: null,
  deliveryId: null,
  closedWithHash: null,
};

describe("drafting a delivery", () => {
  it("is retried for the longer of the wait's lifetime and the minimum retry window", () => {
    expect(deliverUntil(1_000, 5_000, 10_000)).toBe(10_000);
    expect(deliverUntil(1_000, 50_000, 10_000)).toBe(51_000);
    expect(deliverUntil(1_000, 5_000)).toBe(6_000);
  });

  it("takes the wait's task and starts unleased, due now", () => {
    const update = { status: "COMPLETED" as const, output: {} };
    const d = draftDelivery(
      60_000,
      2_000,
      { id: "d1", status: "pending", update, contentHash: "h", source: null },
      wait,
    );
    expect(d).toMatchObject({
      waitId: "w1",
      taskId: "t1",
      executionId: "e1",
      nextAttemptAt: 2_000,
      deliverUntil: 62_000,
      leaseOwner: null,
      claims: 0,
      attempts: 0,
    });
  });
});

describe("a callback for a wait that takes none", () => {
  const closed = { ...wait, status: "closed" as const, closedWithHash: "h1", deliveryId: "d1" };

  it("is a duplicate when it repeats the result that closed the wait", () => {
    expect(settledCallback(closed, "h1")).toEqual({ outcome: "duplicate", deliveryId: "d1", waitId: "w1" });
  });

  it("is refused with wait_closed otherwise, naming the wait's state", () => {
    const refusal = (w: typeof wait, hash: string) => {
      try {
        settledCallback(w, hash);
      } catch (err) {
        return err instanceof TaskgateError ? [err.code, err.details?.status] : err;
      }
      return "no error";
    };
    expect(refusal(closed, "other")).toEqual(["wait_closed", "closed"]);
    expect(refusal(wait, "h1")).toEqual(["wait_closed", "expired"]);
    expect(refusal({ ...wait, status: "cancelled" }, "h1")).toEqual(["wait_closed", "cancelled"]);
  });
});
