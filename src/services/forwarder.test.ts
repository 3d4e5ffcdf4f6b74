import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { aDelivery, aWait } from "../../test/contract/store-contract.js";
import { captureLogger } from "../../test/support/capture-logger.js";
import { TestClock } from "../../test/support/test-clock.js";
import { testIds } from "../../test/support/test-deps.js";
import { systemClock } from "../adapters/runtime/system-clock.js";
import { uuid7Ids } from "../adapters/runtime/uuid7-ids.js";
import { openSqliteStore } from "../adapters/sql/sqlite.js";
import { CdfError, type CdfFailure } from "../core/cdf-error.js";
import type { TaskUpdate } from "../core/task-status.js";
import type { CdfClient, WorkflowExecutionDetail } from "../ports/cdf-client.js";
import type { DeliveryRecord, Store } from "../ports/store.js";
import { Forwarder } from "./forwarder.js";

type Script = (taskId: string, update: TaskUpdate) => Promise<void> | void;

/** A CDF client double that records calls and answers from a script (real client: cdf-client tests). */
function scriptedCdf(script: Script, execution?: () => WorkflowExecutionDetail) {
  const calls: { taskId: string; update: TaskUpdate }[] = [];
  const client: CdfClient = {
    async updateTask(taskId, update) {
      calls.push({ taskId, update });
      await script(taskId, update);
      return {
        value: { id: taskId, externalId: "t", status: update.status },
        requestId: `req-${calls.length}`,
        attempts: 1,
      };
    },
    async retrieveExecution() {
      if (!execution)
        throw new CdfError({ kind: "http", status: 404, message: "not found", retryable: false });
      return { value: execution(), requestId: "req-read", attempts: 1 };
    },
  };
  return { client, calls };
}

const httpFailure = (status: number, over: Partial<CdfFailure> = {}) =>
  new CdfError({
    kind: "http",
    status,
    message: `CDF said ${status}`,
    requestId: `cdf-${status}`,
    retryable: [429, 502, 503, 504].includes(status),
    ...over,
  });

describe("Forwarder", () => {
  let store: Store;
  let clock: TestClock;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    clock = new TestClock(1_750_000_000_000);
  });
  afterEach(() => store.close());

  function forwarder(cdf: CdfClient, over: Partial<ConstructorParameters<typeof Forwarder>[0]> = {}) {
    return new Forwarder({
      store,
      cdf,
      clock,
      ids: testIds(clock),
      logger: captureLogger(),
      concurrency: 4,
      leaseMs: 30_000,
      pollIntervalMs: 1000,
      schedule: { baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 120_000 },
      ...over,
    });
  }

  async function pending(over: Partial<DeliveryRecord> = {}): Promise<DeliveryRecord> {
    const wait = aWait({
      createdAt: clock.now(),
      expiresAt: clock.now() + 3_600_000,
      executionId: over.executionId ?? null,
    });
    await store.createWait(wait);
    const delivery = aDelivery(wait, {
      nextAttemptAt: clock.now(),
      deliverUntil: clock.now() + 3_600_000,
      ...over,
    });
    expect((await store.acceptCallback({ waitId: wait.id, now: clock.now(), delivery })).kind).toBe(
      "accepted",
    );
    return delivery;
  }

  it("sends a due delivery once and records it delivered with CDF's request id", async () => {
    const cdf = scriptedCdf(() => {});
    const d = await pending();
    expect(await forwarder(cdf.client).runOnce()).toBe(1);
    expect(cdf.calls).toEqual([{ taskId: d.taskId, update: d.update }]);
    expect(await store.getDelivery(d.id)).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastRequestId: "req-1",
    });
    expect(await forwarder(cdf.client).runOnce()).toBe(0);
    expect(cdf.calls).toHaveLength(1);
  });

  it("stopped past its grace, cuts every call in flight and records each before it resolves", async () => {
    // Calls that hang until cut, 32 at once: one listener per call on a shared signal would pass
    // Node's limit of 10 and print a MaxListenersExceededWarning.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    let calls = 0;
    const hanging: CdfClient = {
      updateTask: (_taskId, _update, signal) =>
        new Promise((_done, fail) => {
          calls++;
          signal?.addEventListener("abort", () => fail(new Error("cut")), { once: true });
        }),
      retrieveExecution: () => Promise.reject(new Error("not used")),
    };
    const deliveries = [];
    for (let i = 0; i < 40; i++) deliveries.push(await pending({ deliverUntil: Date.now() + 3_600_000 }));
    const f = forwarder(hanging, { concurrency: 32, clock: systemClock });
    try {
      f.start();
      for (let i = 0; i < 200 && calls < 32; i++) await new Promise((r) => setTimeout(r, 5));
      expect(calls).toBe(32);
      await f.stop(20);
      const stored = await Promise.all(deliveries.map((d) => store.getDelivery(d.id)));
      // The 32 cut calls are recorded (retry: CDF may have seen them); the rest were never sent.
      expect(stored.filter((d) => d!.attempts === 1 && d!.status === "pending")).toHaveLength(32);
      expect(stored.filter((d) => d!.attempts === 0)).toHaveLength(8);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("retries a 503 with backoff, then delivers when CDF recovers", async () => {
    let fail = true;
    const cdf = scriptedCdf(() => {
      if (fail) throw httpFailure(503);
    });
    const d = await pending();
    const f = forwarder(cdf.client, { ids: { ...testIds(clock), random: () => 0.5 } });
    await f.runOnce();
    const afterFirst = await store.getDelivery(d.id);
    expect(afterFirst).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 503,
      lastRequestId: "cdf-503",
    });
    expect(afterFirst!.nextAttemptAt).toBe(clock.now() + 500);
    expect(await f.runOnce()).toBe(0); // not due yet
    clock.advance(500);
    fail = false;
    expect(await f.runOnce()).toBe(1);
    expect(await store.getDelivery(d.id)).toMatchObject({ status: "delivered", attempts: 2 });
    expect((await store.listAttempts(d.id)).map((a) => [a.outcome, a.httpStatus])).toEqual([
      ["retry", 503],
      ["delivered", 200],
    ]);
  });

  it("counts a 429 CDF answered before an update went through: fewer call slots, the update delivered", async () => {
    const slots: number[] = [];
    const client: CdfClient = {
      async updateTask(taskId, update) {
        // The client's own retry got through after one 429.
        return { value: { id: taskId, externalId: "t", status: update.status }, attempts: 2, throttled: 1 };
      },
      retrieveExecution: () => Promise.reject(new Error("not used")),
    };
    const ds = [await pending(), await pending(), await pending(), await pending()];
    const f = forwarder(client, {
      metrics: {
        forwardAttempts: { labels: () => ({ inc: () => {} }) },
        forwardDuration: { observe: () => {} },
        forwardSlots: { set: (n) => slots.push(n) },
      },
    });
    expect(await f.runOnce()).toBe(4);
    // Four calls sent in the same round: one cut, 4 → 2.
    expect(slots).toEqual([4, 2]);
    for (const d of ds) expect((await store.getDelivery(d.id))?.status).toBe("delivered");
  });

  it("waits at least Retry-After after a 429", async () => {
    const cdf = scriptedCdf(() => {
      throw httpFailure(429, { retryAfterMs: 7000 });
    });
    const d = await pending();
    await forwarder(cdf.client).runOnce();
    expect((await store.getDelivery(d.id))!.nextAttemptAt).toBe(clock.now() + 7000);
  });

  it("dead-letters an unknown task with CDF's message and request id", async () => {
    const cdf = scriptedCdf(() => {
      throw httpFailure(404, { message: "Task not found" });
    });
    const d = await pending();
    await forwarder(cdf.client).runOnce();
    expect(await store.getDelivery(d.id)).toMatchObject({
      status: "dead",
      lastStatus: 404,
      lastError: "Task not found",
      lastRequestId: "cdf-404",
    });
  });

  it("counts a task CDF already shows as COMPLETED as delivered (reconciled after a crash)", async () => {
    const executionId = crypto.randomUUID();
    let taskId = "";
    const cdf = scriptedCdf(
      () => {
        throw httpFailure(400, { message: "Task is not IN_PROGRESS (COMPLETED)" });
      },
      () => ({
        id: executionId,
        workflowExternalId: "wf",
        status: "RUNNING",
        executedTasks: [{ id: taskId, externalId: "t", status: "COMPLETED" }],
      }),
    );
    const d = await pending({ executionId });
    taskId = d.taskId!;
    await forwarder(cdf.client).runOnce();
    expect(await store.getDelivery(d.id)).toMatchObject({ status: "delivered", lastStatus: 400 });
    expect((await store.listAttempts(d.id))[0]?.outcome).toBe("reconciled");
  });

  it("dead-letters when the task is in another state, saying which", async () => {
    const executionId = crypto.randomUUID();
    let taskId = "";
    const cdf = scriptedCdf(
      () => {
        throw httpFailure(400, { message: "Task is not IN_PROGRESS" });
      },
      () => ({
        id: executionId,
        workflowExternalId: "wf",
        status: "CANCELED",
        executedTasks: [{ id: taskId, externalId: "t", status: "CANCELED" }],
      }),
    );
    const d = await pending({ executionId });
    taskId = d.taskId!;
    await forwarder(cdf.client).runOnce();
    expect(await store.getDelivery(d.id)).toMatchObject({
      status: "dead",
      lastError: "Task is not IN_PROGRESS (the task is CANCELED)",
    });
  });

  it("explains a refusal after a worker died mid-attempt, when it cannot check CDF", async () => {
    const cdf = scriptedCdf(() => {
      throw httpFailure(400, { message: "Task is not IN_PROGRESS" });
    });
    // Accepted and leased by a process that then died before recording anything.
    const d = await pending({ leaseOwner: "crashed/1", leaseUntil: clock.now() + 1000, claims: 1 });
    clock.advance(1000);
    await forwarder(cdf.client).runOnce();
    const dead = await store.getDelivery(d.id);
    expect(dead).toMatchObject({ status: "dead", claims: 2, attempts: 1 });
    expect(dead!.lastError).toMatch(/^Task is not IN_PROGRESS \(an earlier attempt ended without an answer/);
  });

  it("gives up at deliverUntil", async () => {
    const cdf = scriptedCdf(() => {
      throw httpFailure(503);
    });
    const d = await pending({ deliverUntil: clock.now() + 100 });
    await forwarder(cdf.client).runOnce();
    expect(await store.getDelivery(d.id)).toMatchObject({ status: "dead" });
    expect((await store.getDelivery(d.id))!.lastError).toMatch(/gave up after 1 attempts/);
  });

  it("treats an unexpected exception like a network failure (retry), never losing the delivery", async () => {
    const cdf = scriptedCdf(() => {
      throw new TypeError("fetch failed");
    });
    const d = await pending();
    await forwarder(cdf.client).runOnce();
    expect(await store.getDelivery(d.id)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "fetch failed",
    });
  });

  it("does not record over a lease it lost while CDF was slow", async () => {
    const d = await pending();
    const cdf = scriptedCdf(async () => {
      clock.advance(31_000); // the lease ran out during the call...
      await store.claimDue(clock.now(), "someone-else", 30_000, 10); // ...and another worker took it
    });
    await forwarder(cdf.client).runOnce();
    expect(await store.getDelivery(d.id)).toMatchObject({
      status: "pending",
      leaseOwner: "someone-else",
      attempts: 0,
    });
    expect(await store.listAttempts(d.id)).toEqual([]);
  });

  it("sends the next update while the previous attempt is still being recorded: a slot bounds CDF calls", async () => {
    let recordsHeld = 0;
    let letRecordsThrough!: () => void;
    const gate = new Promise<void>((r) => {
      letRecordsThrough = r;
    });
    // The store records nothing until the gate opens.
    const slowRecords = new Proxy(store, {
      get(target, prop) {
        if (prop === "recordAttempt") {
          return async (...args: Parameters<Store["recordAttempt"]>) => {
            recordsHeld++;
            await gate;
            return target.recordAttempt(...args);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const cdf = scriptedCdf(() => {});
    const f = forwarder(cdf.client, { store: slowRecords, concurrency: 1, clock: systemClock });
    f.start();
    try {
      const handed: DeliveryRecord[] = [];
      for (let i = 0; i < 3; i++) {
        const wait = aWait({ createdAt: Date.now(), expiresAt: Date.now() + 3_600_000 });
        await store.createWait(wait);
        const d = aDelivery(wait, { nextAttemptAt: Date.now(), deliverUntil: Date.now() + 3_600_000 });
        f.lease(d, Date.now());
        expect((await store.acceptCallback({ waitId: wait.id, now: Date.now(), delivery: d })).kind).toBe(
          "accepted",
        );
        handed.push(d);
      }
      for (const d of handed) f.dispatched(d);
      // One slot, and no record has gone through: each call went out once CDF answered the one before.
      await vi.waitFor(() => expect(cdf.calls).toHaveLength(3), { timeout: 2_000, interval: 5 });
      expect(recordsHeld).toBe(3);
      expect(cdf.calls.map((c) => c.taskId)).toEqual(handed.map((d) => d.taskId));
      letRecordsThrough();
      await vi.waitFor(
        async () => {
          for (const d of handed) expect((await store.getDelivery(d.id))?.status).toBe("delivered");
        },
        { timeout: 2_000, interval: 5 },
      );
    } finally {
      letRecordsThrough();
      await f.stop(2_000);
    }
  });

  it("closes expired waits on its pass", async () => {
    const wait = aWait({ createdAt: clock.now(), expiresAt: clock.now() + 10 });
    await store.createWait(wait);
    clock.advance(10);
    await forwarder(scriptedCdf(() => {}).client).runOnce();
    expect((await store.getWait(wait.id))?.status).toBe("expired");
    // With its entry, written in the same step.
    const [entry] = (await store.audit.list({ subject: wait.id, limit: 5 })).items;
    expect(entry).toMatchObject({
      kind: "wait.expired",
      actor: "system",
      at: clock.now(),
      data: { taskId: wait.taskId, expiresAt: wait.expiresAt },
    });
  });

  it("expires parked webhooks no wait claimed on its pass, each with its entry", async () => {
    const parked = aDelivery(aWait(), {
      waitId: null,
      taskId: null,
      status: "parked",
      source: "gh",
      correlationKey: "pr-7",
      dedupeKey: "m-7",
      parkUntil: clock.now() + 10,
    });
    await store.receiveWebhook({ delivery: parked, waitId: null, now: clock.now() });
    clock.advance(10);
    await forwarder(scriptedCdf(() => {}).client).runOnce();
    expect((await store.getDelivery(parked.id))?.status).toBe("expired");
    const [entry] = (await store.audit.list({ subject: parked.id, limit: 5 })).items;
    expect(entry).toMatchObject({
      kind: "parked.expired",
      actor: "system",
      at: clock.now(),
      deliveryId: parked.id,
      data: { source: "gh", correlationKey: "pr-7", parkUntil: parked.parkUntil },
    });
  });

  describe("running in the background (real clock)", () => {
    it("forwards a submitted delivery at once, keeps concurrency bounded, and drains on stop", async () => {
      let inFlight = 0;
      let peak = 0;
      const cdf = scriptedCdf(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      });
      const f = new Forwarder({
        store,
        cdf: cdf.client,
        clock: systemClock,
        ids: uuid7Ids(systemClock),
        logger: captureLogger(),
        concurrency: 3,
        leaseMs: 30_000,
        pollIntervalMs: 60_000, // no polling: only submit() and kicks may move work
      });
      f.start();
      const submitted: DeliveryRecord[] = [];
      for (let i = 0; i < 10; i++) {
        const wait = aWait({ createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
        await store.createWait(wait);
        const d = aDelivery(wait, {
          nextAttemptAt: Date.now(),
          leaseOwner: f.newLeaseOwner(),
          leaseUntil: Date.now() + 30_000,
        });
        await store.acceptCallback({ waitId: wait.id, now: Date.now(), delivery: d });
        f.submit(d);
        submitted.push(d);
      }
      await f.stop(5_000);
      expect(cdf.calls).toHaveLength(10);
      expect(peak).toBeLessThanOrEqual(3);
      for (const d of submitted) expect((await store.getDelivery(d.id))?.status).toBe("delivered");
    });

    it("halves its calls at once when CDF throttles, once per round, and climbs back as calls go through", async () => {
      // Calls held until the test answers them: 429 (CDF throttling) or success.
      const held: ((throttle: boolean) => void)[] = [];
      const cdf: CdfClient = {
        updateTask: (taskId, update) =>
          new Promise((resolve, reject) => {
            held.push((throttle) =>
              throttle
                ? reject(httpFailure(429, { throttled: 1 }))
                : resolve({ value: { id: taskId, externalId: "t", status: update.status }, attempts: 1 }),
            );
          }),
        retrieveExecution: () => Promise.reject(new Error("not used")),
      };
      const slots: number[] = [];
      const logger = captureLogger();
      const f = new Forwarder({
        store,
        cdf,
        clock: systemClock,
        ids: uuid7Ids(systemClock),
        logger,
        metrics: {
          forwardAttempts: { labels: () => ({ inc: () => {} }) },
          forwardDuration: { observe: () => {} },
          forwardSlots: { set: (n) => slots.push(n) },
        },
        concurrency: 8,
        leaseMs: 30_000,
        pollIntervalMs: 20,
        // A throttled delivery comes back after an hour: only fresh ones are sent below.
        schedule: { baseDelayMs: 3_600_000, maxDelayMs: 3_600_000, maxRetryAfterMs: 3_600_000 },
      });
      for (let i = 0; i < 40; i++)
        await pending({ nextAttemptAt: Date.now(), deliverUntil: Date.now() + 7_200_000 });
      const heldSoon = async (n: number) => {
        await vi.waitFor(() => expect(held.length).toBe(n), { timeout: 2_000, interval: 5 });
        // And no more than that a moment later.
        await new Promise((r) => setTimeout(r, 30));
        expect(held).toHaveLength(n);
      };
      f.start();
      try {
        await heldSoon(8);
        // All eight were sent before the first 429: one cut, not eight.
        for (const answer of held.splice(0)) answer(true);
        await heldSoon(4);
        expect(slots).toEqual([8, 4]);
        // A round of calls without a 429 (as many as there are slots) adds one slot back.
        while (slots.at(-1)! < 8) {
          held.shift()!(false);
          await new Promise((r) => setTimeout(r, 2));
        }
        expect(slots).toEqual([8, 4, 5, 6, 7, 8]);
        await heldSoon(8);
        // A 429 for a call sent after the cut cuts again.
        held.shift()!(true);
        await vi.waitFor(() => expect(slots.at(-1)).toBe(4));
        expect(
          logger.entries.filter((e) => e.msg.startsWith("CDF is throttling")).map((e) => e.fields),
        ).toEqual([
          expect.objectContaining({ slots: 4, before: 8 }),
          expect.objectContaining({ slots: 4, before: 8 }),
        ]);
        expect(logger.entries.some((e) => e.msg.startsWith("CDF stopped throttling"))).toBe(true);
        // Accepted deliveries are handed straight over up to 16 per open slot, not per configured one.
        // At 8 slots that is 128; at 4, fewer than 64 more (some are held already).
        let handed = 0;
        while (f.canTakeDirectly() && handed < 100) {
          f.submit(aDelivery(aWait(), { leaseOwner: f.newLeaseOwner(), leaseUntil: Date.now() + 30_000 }));
          handed++;
        }
        expect(handed).toBeGreaterThan(0);
        expect(handed).toBeLessThan(4 * 16);
      } finally {
        // Answer whatever is still held until the stop has drained.
        let stopped = false;
        const stopping = f.stop(5_000).then(() => {
          stopped = true;
        });
        while (!stopped) {
          held.shift()?.(false);
          await new Promise((r) => setTimeout(r, 1));
        }
        await stopping;
      }
    });
  });
});
