import { describe, expect, it } from "vitest";
import { captureLogger } from "../../test/support/capture-logger.js";
import { MemoryStore } from "../adapters/memory/memory-store.js";
import { RetentionSchema } from "../config/retention-schema.js";
import type { Clock } from "../ports/clock.js";
import type { RejectionRecord } from "../ports/rejection-store.js";
import type { DeliveryRecord } from "../ports/store.js";
import { type PurgeStep, purgeSteps, RetentionJob, runPurge } from "./retention.js";

const DAY = 86_400_000;
const T0 = 1_750_000_000_000;
const retention = RetentionSchema.parse({});
let idSeq = 0;
const testDeps = {
  ids: { newId: () => `ffff-${String(idSeq++).padStart(6, "0")}` },
  clock: { now: () => T0 },
};

function ignoredHook(i: number, at: number): DeliveryRecord {
  return {
    id: `0000-${String(i).padStart(6, "0")}`,
    waitId: null,
    taskId: null,
    executionId: null,
    source: "gh",
    correlationKey: null,
    dedupeKey: `m-${i}`,
    parkUntil: null,
    reason: "not for us",
    status: "ignored",
    update: { status: "COMPLETED", output: {} },
    contentHash: "h",
    attempts: 0,
    claims: 0,
    nextAttemptAt: at,
    deliverUntil: at,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: at,
    updatedAt: at,
    deliveredAt: null,
  };
}

async function storeWithIgnored(old: number, fresh: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (let i = 0; i < old + fresh; i++) {
    const at = i < old ? T0 : T0 + 10 * DAY;
    await store.receiveWebhook({ delivery: ignoredHook(i, at), waitId: null, now: at });
  }
  return store;
}

describe("runPurge", () => {
  it("counts on a dry run, deleting nothing, then deletes what the dry run counted", async () => {
    const store = await storeWithIgnored(7, 3);
    const now = T0 + 10 * DAY;
    const steps = purgeSteps(store, retention, testDeps);
    expect(steps.map((s) => s.kind)).toEqual([
      "delivered",
      "dead",
      "ignored",
      "expired",
      "waits",
      "approvals",
      "rejections",
      "audit",
    ]);
    expect(purgeSteps(store, { ...retention, audit: 0 }, testDeps).map((s) => s.kind)).not.toContain("audit");
    const dry = await runPurge(steps, now, { batch: 2, dryRun: true });
    expect(dry.find((r) => r.kind === "ignored")).toEqual({
      kind: "ignored",
      before: now - 7 * DAY,
      count: 7,
      more: false,
    });
    expect((await store.countDeliveries()).ignored).toBe(10);
    const done = await runPurge(steps, now, { batch: 2 });
    expect(done.find((r) => r.kind === "ignored")).toMatchObject({ count: 7, more: false });
    expect(done.filter((r) => r.kind !== "ignored").every((r) => r.count === 0)).toBe(true);
    expect((await store.countDeliveries()).ignored).toBe(3);
  });

  it("purges the rejected-request log past its own period, keeping the newer rows", async () => {
    const store = new MemoryStore();
    const now = T0 + 10 * DAY;
    const row = (id: string, at: number): RejectionRecord => ({
      id,
      at,
      route: "hook" as const,
      source: "github",
      code: "signature_invalid",
      status: 401,
      clientIp: "127.0.0.1",
      userAgent: null,
      headerNames: [],
      bodySize: 2,
      bodySha256: null,
    });
    await store.rejections.insertRejections([row("r1", T0), row("r2", T0 + 1), row("r3", now - DAY)]);
    const steps = purgeSteps(store, retention, testDeps);
    const dry = await runPurge(steps, now, { batch: 1, dryRun: true });
    expect(dry.find((r) => r.kind === "rejections")).toMatchObject({ count: 2, before: now - 7 * DAY });
    expect(await store.rejections.countRejections()).toBe(3);
    const done = await runPurge(steps, now, { batch: 1 });
    expect(done.find((r) => r.kind === "rejections")).toMatchObject({ count: 2, more: false });
    expect(await store.rejections.countRejections()).toBe(1);
  });

  it("stops a step when its batch budget is spent and says more remain", async () => {
    const store = await storeWithIgnored(7, 0);
    const steps = purgeSteps(store, retention, testDeps);
    let pauses = 0;
    const pause = async () => {
      pauses++;
    };
    const first = await runPurge(steps, T0 + 10 * DAY, { batch: 2, maxBatches: 2, pause });
    expect(first.find((r) => r.kind === "ignored")).toMatchObject({ count: 4, more: true });
    expect(pauses).toBe(2);
    const second = await runPurge(steps, T0 + 10 * DAY, { batch: 2, maxBatches: 3 });
    expect(second.find((r) => r.kind === "ignored")).toMatchObject({ count: 3, more: false });
  });

  it("runs added steps in order, each with its own period", async () => {
    const calls: string[] = [];
    const step = (kind: string, keepMs: number): PurgeStep => ({
      kind,
      keepMs,
      purgeBatch: async (before) => {
        calls.push(`${kind}@${before}`);
        return 0;
      },
      count: async () => 0,
    });
    await runPurge([step("rejections", 7 * DAY), step("audit", 365 * DAY)], T0, { batch: 10 });
    expect(calls).toEqual([`rejections@${T0 - 7 * DAY}`, `audit@${T0 - 365 * DAY}`]);
  });
});

/** Time that moves only when a test lets a sleep end, so the job's timer is driven by hand. */
class GatedClock implements Clock {
  current = T0 + 10 * DAY;
  readonly sleeps: { ms: number; wake: () => void }[] = [];
  now(): number {
    return this.current;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 5) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => resolve();
      this.sleeps.push({ ms, wake });
      signal?.addEventListener("abort", wake, { once: true });
    });
  }
  async release(): Promise<void> {
    for (let i = 0; i < 20 && this.sleeps.length === 0; i++) await new Promise((r) => setImmediate(r));
    const s = this.sleeps.shift();
    if (!s) throw new Error("nothing is sleeping");
    this.current += s.ms;
    s.wake();
  }
}

describe("RetentionJob", () => {
  it("purges after its first delay and then every interval, goes on after a failed run, and stops", async () => {
    const store = await storeWithIgnored(3, 0);
    const clock = new GatedClock();
    const logger = captureLogger();
    let failNext = false;
    const flaky: PurgeStep = {
      kind: "flaky",
      keepMs: DAY,
      purgeBatch: async () => {
        if (failNext) {
          failNext = false;
          throw new Error("store unreachable");
        }
        return 0;
      },
      count: async () => 0,
    };
    const job = new RetentionJob({
      steps: [...purgeSteps(store, retention, testDeps), flaky],
      clock,
      logger,
      batch: 500,
      intervalMs: 600_000,
      firstRunMs: 1_000,
    });
    job.start();
    await clock.release(); // the first delay
    await clock.release(); // first run done; sleeping the interval now
    expect(clock.sleeps.map((s) => s.ms)).toEqual([]);
    expect((await store.countDeliveries()).ignored).toBe(0);
    expect(logger.entries.find((e) => e.msg === "retention purge done")?.fields).toMatchObject({
      deleted: { ignored: 3 },
    });
    failNext = true;
    await clock.release();
    for (let i = 0; i < 20 && clock.sleeps.length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(logger.entries.some((e) => e.level === "warn" && e.msg.startsWith("retention purge failed"))).toBe(
      true,
    );
    expect(clock.sleeps.map((s) => s.ms)).toEqual([600_000]);
    await job.stop();
  });
});
