import { describe, expect, it } from "vitest";
import { captureLogger } from "../../test/support/capture-logger.js";
import { TestClock } from "../../test/support/test-clock.js";
import { testIds } from "../../test/support/test-deps.js";
import { MemoryRejectionStore } from "../adapters/memory/memory-rejection-store.js";
import type { RejectionRecord, RejectionStore } from "../ports/rejection-store.js";
import { type RejectionEntry, RejectionLog, type RejectionLogOptions } from "./rejection-log.js";

const entry = (over: Partial<RejectionEntry> = {}): RejectionEntry => ({
  route: "hook",
  source: "github",
  code: "signature_invalid",
  status: 401,
  clientIp: "198.51.100.7",
  userAgent: "ua",
  headerNames: ["content-type"],
  bodySize: 2,
  bodySha256: "b".repeat(64),
  ...over,
});

/** A memory store that counts its insert calls (one per batch) and can be made to fail. */
class CountingStore extends MemoryRejectionStore {
  inserts: number[] = [];
  failing = false;
  override async insertRejections(rows: readonly RejectionRecord[]): Promise<void> {
    if (this.failing) throw new Error("store down");
    this.inserts.push(rows.length);
    return super.insertRejections(rows);
  }
}

function aLog(options: Partial<RejectionLogOptions> = {}, store: RejectionStore = new CountingStore()) {
  const clock = new TestClock();
  const logger = captureLogger();
  const log = new RejectionLog(
    { store, clock, ids: testIds(clock), logger },
    { maxRows: 1_000, flushIntervalMs: 5, ...options },
  );
  return { log, store: store as CountingStore, clock, logger };
}

describe("RejectionLog", () => {
  it("writes what arrives within one interval as one batch, with an id and the time", async () => {
    const { log, store, clock } = aLog({ flushIntervalMs: 20 });
    const done = [log.record(entry()), log.record(entry({ code: "unknown_source" })), log.record(entry())];
    expect(store.inserts).toEqual([]);
    await Promise.all(done);
    expect(store.inserts).toEqual([3]);
    const { items } = await store.listRejections({ limit: 10 });
    expect(items).toHaveLength(3);
    for (const r of items) {
      expect(r.at).toBe(clock.now());
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(log.stats).toMatchObject({ recorded: 3, written: 3, dropped: 0, failed: 0 });
  });

  it("flushes at once when a batch is full, in batches of batchSize", async () => {
    const { log, store } = aLog({ flushIntervalMs: 60_000, batchSize: 4 });
    const done = Array.from({ length: 10 }, () => log.record(entry()));
    // The first full batch starts a flush; it takes everything buffered by then, batchSize at a time.
    await Promise.all(done.slice(0, 8));
    expect(store.inserts).toEqual([4, 4, 2]);
    await log.close();
    await Promise.all(done);
    expect(store.inserts).toEqual([4, 4, 2]);
  });

  it("drops and counts rows beyond the buffer bound instead of growing", async () => {
    const { log, store } = aLog({ flushIntervalMs: 60_000, batchSize: 1_000, maxBuffered: 5 });
    for (let i = 0; i < 12; i++) void log.record(entry());
    expect(log.stats).toMatchObject({ recorded: 5, dropped: 7 });
    await log.flush();
    expect(await store.countRejections()).toBe(5);
  });

  it("keeps the table to the newest maxRows", async () => {
    const { log, store, clock } = aLog({ maxRows: 20, batchSize: 10, flushIntervalMs: 60_000 });
    for (let i = 0; i < 95; i++) {
      clock.advance(1);
      void log.record(entry());
    }
    await log.flush();
    expect(await store.countRejections()).toBeLessThanOrEqual(20 + 10);
    const newest = (await store.listRejections({ limit: 1 })).items[0];
    expect(newest?.at).toBe(clock.now());
    expect(log.stats.trimmed).toBeGreaterThan(0);
  });

  it("counts and logs a failed write, never rejects, and writes again once the store is back", async () => {
    const { log, store, logger } = aLog();
    store.failing = true;
    await expect(log.record(entry())).resolves.toBeUndefined();
    expect(log.stats.failed).toBe(1);
    expect(logger.entries.some((e) => e.level === "warn" && e.fields.rows === 1)).toBe(true);
    store.failing = false;
    await log.record(entry());
    expect(await store.countRejections()).toBe(1);
  });

  it("writes what is buffered on close, then takes nothing more", async () => {
    const { log, store } = aLog({ flushIntervalMs: 60_000 });
    void log.record(entry());
    await log.close();
    expect(await store.countRejections()).toBe(1);
    await log.record(entry());
    await log.flush();
    expect(await store.countRejections()).toBe(1);
  });
});
