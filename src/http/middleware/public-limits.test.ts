import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accepted, anAttempt, aWait, T0 } from "../../../test/contract/store-fixtures.js";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { BacklogMeter } from "../../services/backlog-meter.js";
import { PublicLimits } from "./public-limits.js";

describe("public endpoints: rate limits and load shedding", () => {
  let store: KyselyStore;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
  });
  afterEach(() => store.close());

  function app(settings: ConstructorParameters<typeof PublicLimits>[0]) {
    const clock = new TestClock();
    const limits = new PublicLimits(settings);
    const t = testApp({
      store,
      cdf: emulatedCdf(clock).cdf,
      clock,
      overrides: { limits, clientAddress: (c) => c.req.header("x-test-ip") ?? null },
    });
    const post = (path: string, ip = "203.0.113.1", body = "{}") =>
      t.app.request(path, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-test-ip": ip },
      });
    return { ...t, limits, post };
  }

  it("answers 429 rate_limited with Retry-After past an address's burst, per address, until it refills", async () => {
    const t = app({ perIp: 2, perSource: 0, burst: 2, maxInFlight: 0 });
    for (const path of ["/v1/callbacks/not-a-token", "/a/not-a-token/decide"]) {
      expect((await t.post(path)).status).not.toBe(429);
    }
    const refused = await t.post("/hooks/github");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await json(refused)).toMatchObject({ error: { code: "rate_limited" } });
    // Another address has its own bucket; the first refills at 2 per second.
    expect((await t.post("/v1/callbacks/x", "198.51.100.9")).status).not.toBe(429);
    t.clock.advance(500);
    expect((await t.post("/v1/callbacks/x")).status).not.toBe(429);
    expect((await t.post("/v1/callbacks/x")).status).toBe(429);
    // Reads are not limited: a GET of an approval page is not an accept.
    expect((await t.app.request("/a/x", { headers: { "x-test-ip": "203.0.113.1" } })).status).not.toBe(429);
  });

  it("limits each webhook source whatever addresses its sender uses", async () => {
    const t = app({ perIp: 0, perSource: 1, burst: 1, maxInFlight: 0 });
    expect((await t.post("/hooks/github", "192.0.2.1")).status).not.toBe(429);
    const refused = await t.post("/hooks/github", "192.0.2.2");
    expect(refused.status).toBe(429);
    expect(await json(refused)).toMatchObject({
      error: { code: "rate_limited", details: { retryAfterSeconds: 1 } },
    });
    expect((await t.post("/hooks/stripe", "192.0.2.2")).status).not.toBe(429);
  });

  it("sheds load: 503 overloaded with Retry-After while maxInFlight accepts are being handled", async () => {
    const t = app({ perIp: 0, perSource: 0, burst: 1, maxInFlight: 1 });
    // A sender that trickles its body keeps one accept in flight.
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{"));
        finish = () => {
          controller.enqueue(new TextEncoder().encode("}"));
          controller.close();
        };
      },
    });
    const slow = t.app.request("/v1/callbacks/x", {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
      ...{ duplex: "half" }, // Node's Request needs it for a streamed body
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(t.limits.inFlight).toBe(1);
    const shed = await t.post("/hooks/github");
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("2");
    expect(await json(shed)).toMatchObject({ error: { code: "overloaded" } });
    finish();
    expect((await slow).status).not.toBe(503);
    expect(t.limits.inFlight).toBe(0);
    expect((await t.post("/hooks/github")).status).not.toBe(503);
  });

  it("sheds on the backlog: 503 overloaded with Retry-After once the counted pending deliveries reach maxBacklog, one count per interval", async () => {
    const t = app({ perIp: 0, perSource: 0, burst: 1, maxInFlight: 0, maxBacklog: 2 });
    const first = await accepted(store, aWait());
    await accepted(store, aWait());
    let counts = 0;
    const meter = new BacklogMeter({
      store: {
        countPending: (cap) => {
          counts++;
          return store.countPending(cap);
        },
      },
      logger: t.logger,
      cap: 2,
      intervalMs: 1_000,
      onCount: (n) => {
        t.limits.backlog = n;
      },
    });
    // Below the cap nothing is shed (the count starts at 0 until the forwarder counts).
    expect((await t.post("/hooks/github")).status).not.toBe(503);
    await meter.refresh(t.clock.now());
    expect(t.limits.backlog).toBe(2);

    for (const path of ["/hooks/github", "/v1/callbacks/x", "/a/x/decide"]) {
      const shed = await t.post(path);
      expect(shed.status, path).toBe(503);
      expect(shed.headers.get("retry-after")).toBe("10");
      expect(await json(shed)).toMatchObject({
        error: { code: "overloaded", details: { retryAfterSeconds: 10 } },
      });
    }
    // Reads and the API are served: only accepts are shed.
    expect((await t.app.request("/healthz")).status).toBe(200);
    expect((await t.app.request("/v1/waits", { method: "POST", body: "{}" })).status).not.toBe(503);
    // Requests never count: one count per interval, however many ask.
    await meter.refresh(t.clock.now());
    expect(counts).toBe(1);

    // One delivery done: the next count (a second later) is under the cap and accepts resume.
    const [claimed] = await store.claimDue(T0 + 20, "w/1", 60_000, 1);
    expect(claimed?.id).toBe(first.id);
    await store.recordAttempt(first.id, "w/1", T0 + 30, { kind: "delivered", attempt: anAttempt(first) });
    t.clock.advance(1_000);
    await meter.refresh(t.clock.now());
    expect(counts).toBe(2);
    expect(t.limits.backlog).toBe(1);
    expect((await t.post("/hooks/github")).status).not.toBe(503);
  });

  it("keeps the last count when counting fails, and never throws into the forwarder's loop", async () => {
    const t = app({ perIp: 0, perSource: 0, burst: 1, maxInFlight: 0, maxBacklog: 5 });
    let fail = false;
    const meter = new BacklogMeter({
      store: { countPending: async () => (fail ? Promise.reject(new Error("connection terminated")) : 7) },
      logger: t.logger,
      cap: 5,
      intervalMs: 1_000,
      onCount: (n) => {
        t.limits.backlog = n;
      },
    });
    await meter.refresh(t.clock.now());
    fail = true;
    t.clock.advance(1_000);
    await expect(meter.refresh(t.clock.now())).resolves.toBeUndefined();
    expect(t.limits.backlog).toBe(7);
    expect(
      t.logger.entries.some((e) => e.msg === "could not count the backlog; keeping the last count"),
    ).toBe(true);
  });
});
