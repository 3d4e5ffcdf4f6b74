/**
 * How many CDF calls the forwarder makes at once: additive increase, multiplicative decrease, as
 * TCP sizes its window. It starts at the configured ceiling. A call CDF throttled (429: the
 * project is over its request rate or its 50 concurrent requests) halves the slots; a round of
 * calls that went through without one (as many as there are slots) adds one back, up to the
 * ceiling. Only a call started after the last cut (a later millisecond) can cut again: the calls already in flight when
 * CDF began throttling were sent under the old number, and their 429s say nothing about the new one
 * (TCP halves once per round trip for the same reason).
 *
 * Pure: the caller says when each call started (its clock, its order).
 */
export class CallSlots {
  private slots: number;
  /** Successful calls since the last change; a full round of them adds a slot. */
  private credit = 0;
  /** When the last cut happened: throttled calls started before it do not cut again. */
  private cutAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly ceiling: number,
    readonly floor = 1,
  ) {
    if (!Number.isInteger(ceiling) || ceiling < 1) throw new RangeError("ceiling must be a positive integer");
    if (!Number.isInteger(floor) || floor < 1 || floor > ceiling)
      throw new RangeError("floor must be an integer in [1, ceiling]");
    this.slots = ceiling;
  }

  /** Calls that may be in flight now. */
  get current(): number {
    return this.slots;
  }

  /** A call went through without a 429. Returns true when that added a slot. */
  succeeded(): boolean {
    if (this.slots >= this.ceiling) return false;
    this.credit++;
    if (this.credit < this.slots) return false;
    this.credit = 0;
    this.slots++;
    return true;
  }

  /**
   * CDF answered 429 to a call started at `startedAt`, now being `now`. Returns the number of
   * slots before the cut, or undefined when this 429 did not cut (an older call's, or at the floor).
   */
  throttled(startedAt: number, now: number): number | undefined {
    this.credit = 0;
    if (startedAt <= this.cutAt || this.slots <= this.floor) return undefined;
    const before = this.slots;
    this.slots = Math.max(this.floor, Math.floor(this.slots / 2));
    this.cutAt = now;
    return before;
  }
}
