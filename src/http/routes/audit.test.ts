import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { sealAll } from "../../services/audit-sealer.js";

const auth = { authorization: `Bearer ${TEST_API_KEY}` };

describe("GET /v1/audit", () => {
  let store: KyselyStore;
  let t: ReturnType<typeof testApp>;
  let taskId: () => string;
  beforeEach(async () => {
    // Entries written unsealed, as on PostgreSQL and D1 (SQLite links them as it writes by default).
    store = await openSqliteStore({ path: ":memory:", linkAuditOnWrite: false });
    const clock = new TestClock();
    const e = emulatedCdf(clock);
    taskId = () => e.emulator.createExecution().executedTasks[0]!.id;
    t = testApp({ store, cdf: e.cdf, clock });
  });
  afterEach(() => store.close());

  it("lists a wait's steps with who took them, sealed into the chain once the sealer ran", async () => {
    const created = await t.app.request("/v1/waits", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ taskId: taskId() }),
    });
    const wait = (await json(created)) as { id: string; callbackUrl: string };
    t.clock.advance(1_000);
    const cb = await t.app.request(new URL(wait.callbackUrl).pathname, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "lims/2.1" },
      body: JSON.stringify({ status: "COMPLETED", output: { ok: true } }),
    });
    expect(cb.status).toBe(202);

    const res = await t.app.request(`/v1/audit?subject=${wait.id}`, { headers: auth });
    expect(res.status).toBe(200);
    const page = (await json(res)) as { items: Record<string, unknown>[]; nextCursor: string | null };
    expect(page.items.map((e) => e.kind)).toEqual(["callback.received", "wait.created"]);
    expect(page.items[1]).toMatchObject({
      actor: expect.stringMatching(/^api:/),
      waitId: wait.id,
      seq: null,
    });
    expect(page.items[0]).toMatchObject({
      actor: "callback",
      data: {
        status: "COMPLETED",
        userAgent: "lims/2.1",
        bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });

    await sealAll(store.audit);
    const sealed = (await json(
      await t.app.request(`/v1/audit?subject=${wait.id}&limit=1`, { headers: auth }),
    )) as {
      items: { seq: number; hash: string }[];
      nextCursor: string | null;
    };
    expect(sealed.items[0]).toMatchObject({ seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(sealed.nextCursor).not.toBeNull();
  });

  it("records a wait closed past its expiry when a new wait takes its key", async () => {
    const post = async (body: Record<string, unknown>) =>
      (await json(
        await t.app.request("/v1/waits", {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      )) as { id: string };
    const old = await post({ taskId: taskId(), source: "github", correlationKey: "run-1", ttl: "1m" });
    t.clock.advance(61_000);
    const fresh = await post({ taskId: taskId(), source: "github", correlationKey: "run-1" });
    expect(fresh.id).toBeTypeOf("string");
    const page = (await json(await t.app.request(`/v1/audit?subject=${old.id}`, { headers: auth }))) as {
      items: Record<string, unknown>[];
    };
    expect(page.items.map((e) => e.kind)).toEqual(["wait.expired", "wait.created"]);
    expect(page.items[0]).toMatchObject({
      actor: "system",
      data: { source: "github", correlationKey: "run-1" },
    });
    expect((await store.getWait(old.id))?.status).toBe("expired");
  });

  it("is for API callers only, and refuses an unknown parameter", async () => {
    expect((await t.app.request("/v1/audit")).status).toBe(401);
    const bad = await t.app.request("/v1/audit?subjects=x", { headers: auth });
    expect(bad.status).toBe(400);
  });
});
