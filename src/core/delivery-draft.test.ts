import { describe, expect, it } from "vitest";
import { jsonByteLength } from "./canonical-json.js";
import { deliverUntil, draftDelivery, settledCallback, updateForWait } from "./delivery-draft.js";
import { TaskgateError } from "./errors.js";
import { mergeOutput } from "./output.js";
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

describe("the output's size once merged", () => {
  const meta = { deliveryId: "d1", source: null, receivedAt: 5 };
  const big = (n: number) => "x".repeat(n * 1024);

  it("refuses a merge over 100 KB whether or not the caller measured the output", () => {
    const update = { status: "COMPLETED" as const, output: { note: big(60) } };
    const template = { ...wait, output: { other: big(60) } };
    for (const bytes of [undefined, JSON.stringify(update.output).length]) {
      expect(() => updateForWait(update, template, meta, bytes)).toThrow(
        expect.objectContaining({ code: "output_too_large" }),
      );
    }
  });

  it("measures the merge itself when only the parts are too large together", () => {
    // The template's `note` is replaced by the callback's: the merge holds 60 KB, the parts 120.
    const update = { status: "COMPLETED" as const, output: { note: big(60) } };
    const template = { ...wait, output: { note: big(60) } };
    const merged = updateForWait(update, template, meta, JSON.stringify(update.output).length);
    expect(merged.output.note).toBe(update.output.note);
  });

  it("is never larger than its parts serialised side by side (seeded)", () => {
    let seed = 11;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const keys = ["a", "b", "c", "ø", "taskgate"];
    const gen = (depth: number): unknown => {
      const pick = next() % (depth > 2 ? 3 : 5);
      if (pick === 0) return next() % 1000;
      if (pick === 1) return "é".repeat(next() % 4);
      if (pick === 2) return [next() % 3];
      const o: Record<string, unknown> = {};
      for (let i = next() % 4; i > 0; i--) o[keys[next() % keys.length]!] = gen(depth + 1);
      return o;
    };
    const obj = () => {
      const v = gen(0);
      return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    };
    for (let n = 0; n < 2_000; n++) {
      const [a, b, c] = [obj(), obj(), obj()];
      expect(jsonByteLength(mergeOutput(mergeOutput(a, b), c))).toBeLessThanOrEqual(
        jsonByteLength(a) + jsonByteLength(b) + jsonByteLength(c),
      );
    }
  });
});
