import { describe, expect, it } from "vitest";
import { CallSlots } from "./call-slots.js";

const T0 = 1_750_000_000_000;

/** `n` successful calls. */
function succeed(slots: CallSlots, n: number): void {
  for (let i = 0; i < n; i++) slots.succeeded();
}

describe("CallSlots", () => {
  it("starts at the ceiling and never grows past it", () => {
    const slots = new CallSlots(48);
    expect(slots.current).toBe(48);
    succeed(slots, 1_000);
    expect(slots.current).toBe(48);
  });

  it("halves on a 429 and says how many there were", () => {
    const slots = new CallSlots(48);
    expect(slots.throttled(T0, T0 + 5)).toBe(48);
    expect(slots.current).toBe(24);
  });

  it("cuts once for the 429s of calls that were already in flight", () => {
    const slots = new CallSlots(48);
    slots.throttled(T0, T0 + 10);
    // Sent before the cut (or in its millisecond): the old number's 429s.
    expect(slots.throttled(T0 + 3, T0 + 11)).toBeUndefined();
    expect(slots.throttled(T0 + 10, T0 + 12)).toBeUndefined();
    expect(slots.current).toBe(24);
    // Sent after it: CDF still refuses at 24.
    expect(slots.throttled(T0 + 11, T0 + 20)).toBe(24);
    expect(slots.current).toBe(12);
  });

  it("adds one slot back per round of calls without a 429", () => {
    const slots = new CallSlots(48);
    slots.throttled(T0, T0);
    succeed(slots, 23);
    expect(slots.current).toBe(24);
    expect(slots.succeeded()).toBe(true);
    expect(slots.current).toBe(25);
    // The next slot takes a round of the new size.
    succeed(slots, 24);
    expect(slots.current).toBe(25);
    succeed(slots, 1);
    expect(slots.current).toBe(26);
  });

  it("a 429 wipes the credit towards the next slot", () => {
    const slots = new CallSlots(8);
    slots.throttled(T0, T0);
    succeed(slots, 3);
    // An old call's 429 does not cut, but the round is broken.
    expect(slots.throttled(T0 - 1, T0 + 1)).toBeUndefined();
    succeed(slots, 3);
    expect(slots.current).toBe(4);
    succeed(slots, 1);
    expect(slots.current).toBe(5);
  });

  it("never goes below the floor", () => {
    const slots = new CallSlots(4, 2);
    expect(slots.throttled(T0, T0)).toBe(4);
    expect(slots.current).toBe(2);
    expect(slots.throttled(T0 + 1, T0 + 2)).toBeUndefined();
    expect(slots.current).toBe(2);
    const one = new CallSlots(1);
    expect(one.throttled(T0, T0)).toBeUndefined();
    expect(one.current).toBe(1);
  });

  it("climbs back to the ceiling once CDF stops throttling", () => {
    const slots = new CallSlots(32);
    for (let t = 0; t < 5; t++) slots.throttled(T0 + t * 10, T0 + t * 10 + 5);
    expect(slots.current).toBe(1);
    succeed(slots, 32 * 32);
    expect(slots.current).toBe(32);
  });

  it("refuses a ceiling or floor that is not a positive integer", () => {
    expect(() => new CallSlots(0)).toThrow(RangeError);
    expect(() => new CallSlots(2.5)).toThrow(RangeError);
    expect(() => new CallSlots(4, 0)).toThrow(RangeError);
    expect(() => new CallSlots(4, 5)).toThrow(RangeError);
  });
});
