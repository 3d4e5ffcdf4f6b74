import { describe, expect, it } from "vitest";
import { accepted, aWait } from "../../test/contract/store-fixtures.js";
import { captureLogger } from "../../test/support/capture-logger.js";
import { TestClock } from "../../test/support/test-clock.js";
import { MemoryStore } from "../adapters/memory/memory-store.js";
import type { Store } from "../ports/store.js";
import { Heartbeat } from "./heartbeat.js";

const T0 = 1_750_000_000_000;

function replica(store: Store, clock: TestClock, instanceId: string, onTakeover?: () => void) {
  const logger = captureLogger();
  const hb = new Heartbeat({
    store,
    clock,
    logger,
    instanceId,
    intervalMs: 2_000,
    takeoverAfterMs: 10_000,
    ...(onTakeover ? { onTakeover } : {}),
  });
  return { hb, logger };
}

describe("Heartbeat", () => {
  it("takes over a silent replica's leases after takeoverAfter, not after the lease", async () => {
    const store = new MemoryStore();
    const clock = new TestClock(T0);
    let kicked = 0;
    const a = replica(store, clock, "a");
    const b = replica(store, clock, "b", () => kicked++);
    await a.hb.join();
    await b.hb.join();
    const d = await accepted(store, aWait(), { leaseOwner: "a/1", leaseUntil: T0 + 60_000, claims: 1 });

    clock.advance(9_000); // a is silent 9 s: still alive as far as b knows
    await b.hb.beat();
    expect(kicked).toBe(0);
    expect(await store.claimDue(clock.now(), "b/1", 60_000, 10)).toEqual([]);

    clock.advance(2_000); // 11 s: a is dead
    await b.hb.beat();
    expect(kicked).toBe(1);
    expect(b.logger.entries.map((e) => e.msg)).toContain("took over the leases of stopped replicas");
    const [claimed] = await store.claimDue(clock.now(), "b/2", 60_000, 10);
    expect(claimed?.id).toBe(d.id);
  });

  it("a replica that was paused and taken over distrusts its old leases, and only those", async () => {
    const store = new MemoryStore();
    const clock = new TestClock(T0);
    const a = replica(store, clock, "a");
    const b = replica(store, clock, "b");
    await a.hb.join();
    await b.hb.join();
    const leasedAt = clock.now();
    // Steady: a lease just taken is trusted without a store round trip.
    expect(await a.hb.confirm(leasedAt)).toBe(true);

    clock.advance(12_000); // a is paused (SIGSTOP) 12 s; b takes it over
    await b.hb.beat();
    // a wakes: its last beat is too old to trust, so it beats first and learns it was taken over.
    expect(await a.hb.confirm(leasedAt)).toBe(false);
    expect(a.logger.entries.map((e) => e.msg)).toContain(
      "this instance was taken for dead and its leases were taken over",
    );
    // Leases it takes from now on are good.
    clock.advance(10);
    expect(await a.hb.confirm(clock.now())).toBe(true);
    expect(await a.hb.confirm(leasedAt)).toBe(false);
  });

  it("a replica that was slow but not taken over keeps its leases", async () => {
    const store = new MemoryStore();
    const clock = new TestClock(T0);
    const a = replica(store, clock, "a");
    await a.hb.join();
    const leasedAt = clock.now();
    clock.advance(9_000); // over the safe window: confirm beats, and nobody took it over
    expect(await a.hb.confirm(leasedAt)).toBe(true);
  });

  it("does not trust a lease while the store cannot confirm it, and says so once", async () => {
    const store = new MemoryStore();
    const clock = new TestClock(T0);
    const a = replica(store, clock, "a");
    await a.hb.join();
    const leasedAt = clock.now();
    const beat = store.instances.beat.bind(store.instances);
    store.instances.beat = () => Promise.reject(new Error("connection terminated"));
    clock.advance(9_000);
    expect(await a.hb.confirm(leasedAt)).toBe(false);
    expect(await a.hb.beat()).toBe(false);
    expect(a.logger.entries.filter((e) => e.msg === "heartbeat failed; retrying")).toHaveLength(1);
    store.instances.beat = beat;
    expect(await a.hb.confirm(leasedAt)).toBe(true);
    expect(a.logger.entries.map((e) => e.msg)).toContain("heartbeat resumed");
  });

  it("beats on its interval once started and leaves on stop", async () => {
    const store = new MemoryStore();
    // Each sleep advances the test clock and yields a real turn, so the loop cannot spin.
    const clock = new (class extends TestClock {
      override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
        await super.sleep(ms);
        if (!signal?.aborted) await new Promise((r) => setTimeout(r, 1));
      }
    })(T0);
    const a = replica(store, clock, "a");
    await a.hb.join();
    a.hb.start();
    await new Promise((r) => setTimeout(r, 20));
    await a.hb.stop();
    expect(clock.sleeps.length).toBeGreaterThan(1);
    expect(clock.sleeps.every((ms) => ms === 2_000)).toBe(true);
    // Left: a new beat of the same id is a first beat.
    expect(await store.instances.beat("a", clock.now())).toBe(false);
  });
});
