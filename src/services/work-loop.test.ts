import { describe, expect, it, vi } from "vitest";
import { captureLogger } from "../../test/support/capture-logger.js";
import { TestClock } from "../../test/support/test-clock.js";
import { systemClock } from "../adapters/runtime/system-clock.js";
import { failureBackoffMs, WorkLoop, type WorkLoopOptions } from "./work-loop.js";

/** A loop over a list of due numbers: claims take from the front, handling records the order. */
function loopOver(due: number[], over: Partial<WorkLoopOptions<number>> = {}) {
  const handled: number[] = [];
  const claims: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const loop = new WorkLoop<number>({
    name: "test loop",
    clock: new TestClock(),
    logger: captureLogger(),
    concurrency: 2,
    pollIntervalMs: 1_000,
    claim: async (limit) => {
      claims.push(limit);
      return due.splice(0, limit);
    },
    nextDueAt: async () => undefined,
    handle: async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      handled.push(n);
    },
    ...over,
  });
  return { loop, handled, claims, peak: () => peak };
}

describe("WorkLoop", () => {
  it("does not ask the store when work is due while every slot is taken; a freed slot claims it", async () => {
    let asked = 0;
    const release: (() => void)[] = [];
    const t = loopOver([7], {
      clock: systemClock,
      concurrency: 1,
      pollIntervalMs: 10_000,
      // A backlog is always due: a loop that asked would spin on it every 50 ms.
      nextDueAt: async () => {
        asked++;
        return 0;
      },
      handle: (n) =>
        new Promise<void>((r) =>
          release.push(() => {
            t.handled.push(n);
            r();
          }),
        ),
    });
    t.loop.start();
    t.loop.submit(1);
    t.loop.submit(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(asked).toBe(0);
    expect(t.claims).toEqual([]);
    release.shift()!();
    await new Promise((r) => setTimeout(r, 50));
    release.shift()!(); // item 2 done: the queue is dry, so the loop claims the due one
    await new Promise((r) => setTimeout(r, 100));
    expect(t.claims).toEqual([1]);
    release.shift()?.();
    await t.loop.stop(1_000);
    expect(t.handled).toEqual([1, 2, 7]);
  });

  it("makes no pass for kicks while every slot is taken; the queue running dry makes one", async () => {
    let passes = 0;
    const release: (() => void)[] = [];
    const t = loopOver([], {
      clock: systemClock,
      concurrency: 1,
      pollIntervalMs: 60_000, // only kicks and a dry queue can make it look again within the test
      beforePass: async () => {
        passes++;
      },
      handle: (n) =>
        new Promise<void>((r) =>
          release.push(() => {
            t.handled.push(n);
            r();
          }),
        ),
    });
    t.loop.start();
    await new Promise((r) => setTimeout(r, 50));
    const idle = passes;
    t.loop.submit(1);
    // Every slot taken: a hundred kicks (one per accepted request under load) wake nothing.
    for (let i = 0; i < 100; i++) {
      t.loop.kick();
      await new Promise((r) => setImmediate(r)); // each request in its own turn, as under load
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(passes).toBe(idle);
    release.shift()!(); // item 1 done: the queue is dry, so the loop looks once (kick kept)
    await new Promise((r) => setTimeout(r, 50));
    expect(passes - idle).toBeGreaterThanOrEqual(1);
    expect(passes - idle).toBeLessThanOrEqual(2);
    await t.loop.stop(1_000);
    expect(t.handled).toEqual([1]);
  });

  it("runOnce claims up to its window, handles at most `concurrency` at a time, and stops at the limit", async () => {
    const t = loopOver([1, 2, 3, 4, 5, 6, 7], { concurrency: 1, window: 3 });
    expect(await t.loop.runOnce(5)).toBe(5);
    expect(t.claims).toEqual([3, 2]);
    expect(t.handled).toEqual([1, 2, 3, 4, 5]);
    expect(t.peak()).toBe(1);
  });

  it("handles no more at once than `slots()` says, read again as each item starts", async () => {
    let slots = 3;
    let inFlight = 0;
    const release: (() => void)[] = [];
    const t = loopOver([], {
      clock: systemClock,
      concurrency: 4,
      pollIntervalMs: 60_000,
      slots: () => slots,
      handle: async () => {
        inFlight++;
        await new Promise<void>((r) => release.push(r));
        inFlight--;
      },
    });
    t.loop.start();
    for (let i = 0; i < 8; i++) t.loop.submit(i);
    expect(inFlight).toBe(3);
    // Fewer slots: nothing new starts until the items in flight are down to one.
    slots = 1;
    release.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(inFlight).toBe(2);
    release.shift()!();
    release.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(inFlight).toBe(1);
    // More than `concurrency` is still `concurrency`.
    slots = 99;
    release.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(inFlight).toBe(4);
    slots = 4;
    const stopped = t.loop.stop(5_000);
    while (release.length > 0 || inFlight > 0) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await stopped).toBe(true);
  });

  it("starts the next item when a handler releases its slot, and counts the released item as held until it ends", async () => {
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const t = loopOver([], {
      clock: systemClock,
      concurrency: 1,
      pollIntervalMs: 60_000,
      handle: async (n, _signal, release) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 1));
        release();
        release(); // twice is once
        await new Promise<void>((r) => finish.push(r));
      },
    });
    t.loop.start();
    for (let i = 0; i < 3; i++) t.loop.submit(i);
    expect(started).toEqual([0]);
    await vi.waitFor(() => expect(started).toEqual([0, 1, 2]), { timeout: 1_000, interval: 2 });
    // Released is not finished: all three are still this loop's, and stop waits for them.
    expect(t.loop.held).toBe(3);
    let stopped = false;
    const stopping = t.loop.stop(5_000).then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    for (const end of finish.splice(0)) end();
    await stopping;
    expect(t.loop.held).toBe(0);
  });

  it("claims no more than the slots open now can take", async () => {
    let slots = 2;
    const release: (() => void)[] = [];
    const t = loopOver(
      Array.from({ length: 40 }, (_, i) => i),
      {
        clock: systemClock,
        concurrency: 8,
        window: 16,
        pollIntervalMs: 60_000,
        slots: () => slots,
        handle: () => new Promise<void>((r) => release.push(r)),
      },
    );
    t.loop.start();
    await vi.waitFor(() => expect(release).toHaveLength(2));
    // A window of 16 for 8 slots is 4 for 2: two in flight, two queued.
    expect(t.claims[0]).toBe(4);
    expect(t.loop.held).toBe(4);
    slots = 8;
    release.shift()!();
    await vi.waitFor(() => expect(t.loop.held).toBe(16));
    expect(release).toHaveLength(8);
    const stopped = t.loop.stop(5_000);
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    while (!done) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await stopped).toBe(true);
  });

  it("runOnce handles at most `slots()` at a time", async () => {
    const t = loopOver([1, 2, 3, 4, 5, 6], { concurrency: 4, window: 6, slots: () => 2 });
    expect(await t.loop.runOnce(6)).toBe(6);
    expect(t.peak()).toBe(2);
  });

  it("runOnce ends when nothing more is due", async () => {
    const t = loopOver([1, 2, 3]);
    expect(await t.loop.runOnce(10)).toBe(3);
    expect(await t.loop.runOnce(10)).toBe(0);
  });

  it("runs in the background, skips queued items whose lease ran out, and drains on stop", async () => {
    const t = loopOver([], {
      clock: systemClock,
      concurrency: 2,
      pollIntervalMs: 60_000,
      expired: (n) => n < 0,
    });
    t.loop.start();
    expect(t.loop.accepting).toBe(true);
    for (const n of [1, -1, 2, 3, 4]) t.loop.submit(n);
    expect(await t.loop.stop(5_000)).toBe(true);
    expect(t.handled.sort()).toEqual([1, 2, 3, 4]);
    expect(t.peak()).toBeLessThanOrEqual(2);
    expect(t.loop.accepting).toBe(false);
    expect(await t.loop.stop()).toBe(false);
  });

  it("past its grace, starts nothing queued and lets the items it cut short finish before it resolves", async () => {
    const logger = captureLogger();
    const started: number[] = [];
    const finished: string[] = [];
    const t = loopOver([], {
      clock: systemClock,
      logger,
      concurrency: 1,
      pollIntervalMs: 60_000,
      // Each item runs until the stop gives up, then records what happened (a store write).
      handle: async (n, signal) => {
        started.push(n);
        await new Promise((done) => signal.addEventListener("abort", done, { once: true }));
        await new Promise((done) => setTimeout(done, 20));
        finished.push(`${n} cut`);
      },
    });
    t.loop.start();
    for (const n of [1, 2, 3]) t.loop.submit(n);
    expect(await t.loop.stop(50)).toBe(true);
    expect(started).toEqual([1]);
    expect(finished).toEqual(["1 cut"]);
    await new Promise((done) => setTimeout(done, 50));
    expect(started).toEqual([1]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: "warn", fields: { inflight: 0, queued: 2 } }),
    );
  });

  it("logs an item that fails and goes on with the next", async () => {
    const logger = captureLogger();
    const done: number[] = [];
    const t = loopOver([], {
      clock: systemClock,
      logger,
      concurrency: 1,
      pollIntervalMs: 60_000,
      handle: async (n) => {
        if (n === 1) throw new Error("boom");
        done.push(n);
      },
    });
    t.loop.start();
    t.loop.submit(1);
    t.loop.submit(2);
    await t.loop.stop(5_000);
    expect(done).toEqual([2]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: "error", fields: { error: "boom" } }),
    );
  });

  it("backs off longer after each failed pass while the store is down, then resumes", async () => {
    const logger = captureLogger();
    const sleeps: number[] = [];
    let failuresLeft = 4;
    let claimsAfterRecovery = 0;
    let recovered: () => void = () => {};
    const back = new Promise<void>((resolve) => (recovered = resolve));
    const clock = {
      now: () => 0,
      // Records each rest and returns at once, so the test sees the schedule without waiting it.
      sleep: (ms: number) => {
        sleeps.push(ms);
        return new Promise<void>((r) => setImmediate(r));
      },
    };
    const t = loopOver([], {
      clock,
      logger,
      pollIntervalMs: 1_000,
      maxBackoffMs: 5_000,
      claim: async () => {
        if (failuresLeft-- > 0) throw new Error("store_unavailable: connection refused");
        if (++claimsAfterRecovery === 1) recovered();
        return [];
      },
    });
    t.loop.start();
    await back;
    await t.loop.stop(1_000);
    // 1 s, 2 s, 4 s, then the cap; kicks while failing would not shorten these.
    expect(sleeps.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 5_000]);
    const levels = logger.entries.map((e) => `${e.level}:${e.msg}`);
    expect(levels.filter((l) => l.startsWith("error:"))).toEqual(["error:test loop loop failed; retrying"]);
    expect(levels.filter((l) => l.startsWith("warn:"))).toHaveLength(3);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: "info", msg: "test loop loop resumed", fields: { failures: 4 } }),
    );
  });

  it("failureBackoffMs doubles from the poll interval up to the cap", () => {
    expect([0, 1, 2, 3, 6, 100].map((n) => failureBackoffMs(n, 500, 30_000))).toEqual([
      0, 500, 1_000, 2_000, 16_000, 30_000,
    ]);
  });

  it("keeps a kick that arrives while it claims, and coalesces many kicks into one claim", async () => {
    const due: number[] = [];
    let claimCalls = 0;
    let inClaim: (() => void) | undefined;
    let claimEntered: () => void = () => {};
    const t = loopOver(due, {
      clock: systemClock,
      pollIntervalMs: 60_000, // only kicks can make it look again within the test
      claim: async (limit) => {
        claimCalls++;
        claimEntered();
        const got = due.splice(0, limit);
        if (claimCalls === 2) await new Promise<void>((resolve) => (inClaim = resolve));
        return got;
      },
    });
    const entered = () => new Promise<void>((resolve) => (claimEntered = resolve));
    let next = entered();
    t.loop.start();
    await next; // the first pass claims nothing and idles
    next = entered();
    t.loop.kick();
    await next; // the second pass is in its claim
    due.push(7); // due after the running claim looked: only a kick can bring it in
    for (let i = 0; i < 5; i++) t.loop.kick(); // while busy: none may be lost, all make one pass
    next = entered();
    inClaim?.();
    await next;
    await eventuallyHandled(t.handled, [7]);
    await new Promise((r) => setTimeout(r, 30));
    // The five kicks made one claim (the third); the fourth is the kick of the emptied queue.
    expect(claimCalls).toBe(4);
    await t.loop.stop(1_000);
  });
});

async function eventuallyHandled(handled: number[], expected: number[]): Promise<void> {
  for (let i = 0; i < 200 && handled.length < expected.length; i++)
    await new Promise((r) => setTimeout(r, 5));
  expect(handled).toEqual(expected);
}
