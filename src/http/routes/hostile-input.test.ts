import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { sha256Hex } from "../../core/canonical-json.js";
import type { SchemeConfig } from "../../core/signatures/schema.js";
import { signRequest } from "../../core/signatures/sign.js";
import type { Emulator } from "../../emulator/emulator.js";
import { compileSources, type SourceConfig } from "../../services/sources.js";

/**
 * Hostile input (issue 14 §3, §4): each answer is a stable 4xx, nothing is stored, CDF is not
 * called, and never a 5xx.
 */
const auth = { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" };
const github: SchemeConfig = { scheme: "github", secrets: ["gh-secret"] } as SchemeConfig;
const source = (over: Partial<SourceConfig> = {}): SourceConfig => ({
  verify: github,
  correlationKey: "key",
  status: "'COMPLETED'",
  output: "{ 'blob': blob, 'n': n }",
  parkUnmatchedFor: 3_600_000,
  ...over,
});
const sources = compileSources({
  gh: source(),
  // The mapping puts a key of taskgate's own into the output.
  sneaky: source({ output: "{ 'taskgate': { 'approvedBy': 'mallory' } }" }),
  // A runaway mapping: a comparator sort over every item of the payload.
  slow: source({ output: "{ 'sorted': $sort(items, function($a, $b) { $a.v > $b.v }) }" }),
  deep: source({ output: "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; { 'd': $f(100000) })" }),
  ignoring: source({ status: "null", output: "{ 'secret': blob }" }),
});

describe("hostile input", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    let cdf: ReturnType<typeof emulatedCdf>["cdf"];
    ({ emulator, cdf } = emulatedCdf(clock));
    t = testApp({ store, cdf, clock, overrides: { sources, sha256: sha256Hex } });
  });
  afterEach(() => store.close());

  async function hook(name: string, body: string, messageId: string = crypto.randomUUID()) {
    const url = `https://taskgate.test/hooks/${name}`;
    const signed = await signRequest(github, {
      url,
      body: new TextEncoder().encode(body),
      now: t.clock.now(),
      messageId,
    });
    return t.app.request(`/hooks/${name}`, {
      method: "POST",
      headers: { ...signed.headers, "content-type": "application/json" },
      body,
    });
  }
  async function deliveries() {
    return (await store.listDeliveries({ limit: 100 })).items;
  }
  async function newWait(body: Record<string, unknown> = {}) {
    const taskId = emulator.createExecution().executedTasks[0]!.id;
    return t.app.request("/v1/waits", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ taskId, ...body }),
    });
  }
  async function callbackUrl() {
    const res = await newWait();
    expect(res.status).toBe(201);
    return new URL((await json(res)).callbackUrl).pathname;
  }
  const post = (path: string, body: string) =>
    t.app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("refuses a number that is not finite with 400 invalid_number, on callbacks and waits", async () => {
    const path = await callbackUrl();
    const res = await post(path, '{"output":{"x":1e999}}');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("invalid_number");
    expect(await deliveries()).toEqual([]);
    const wait = await t.app.request("/v1/waits", {
      method: "POST",
      headers: auth,
      body: '{"taskId":"00000000-0000-4000-8000-000000000000","output":{"x":-1e999}}',
    });
    expect(wait.status).toBe(400);
    expect((await json(wait)).error.code).toBe("invalid_number");
  });

  it("refuses JSON nested 5,000 levels deep with 400 too_deep (not a 500), on callbacks and hooks", async () => {
    const path = await callbackUrl();
    const deep = `{"output":{"x":${"[".repeat(5000)}${"]".repeat(5000)}}}`;
    const res = await post(path, deep);
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("too_deep");
    const viaHook = await hook("gh", `{"key":"k","blob":${"[".repeat(5000)}${"]".repeat(5000)}}`);
    expect(viaHook.status).toBe(400);
    expect((await json(viaHook)).error.code).toBe("too_deep");
    expect(await deliveries()).toEqual([]);
  });

  it("accepts 64 levels and refuses 65", async () => {
    const nest = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    // The body object and `output` are two levels of their own.
    expect((await post(await callbackUrl(), `{"output":{"x":${nest(62)}}}`)).status).toBe(202);
    const over = await post(await callbackUrl(), `{"output":{"x":${nest(63)}}}`);
    expect((await json(over)).error.code).toBe("too_deep");
  });

  it("refuses output.taskgate with 400 reserved_output_key on callbacks, wait templates and webhook mappings", async () => {
    const path = await callbackUrl();
    const res = await post(path, JSON.stringify({ output: { taskgate: { approvedBy: "mallory" } } }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("reserved_output_key");
    const wait = await newWait({ output: { taskgate: { approvedBy: "mallory" } } });
    expect(wait.status).toBe(400);
    expect((await json(wait)).error.code).toBe("reserved_output_key");
    const viaHook = await hook("sneaky", JSON.stringify({ key: "k" }));
    expect(viaHook.status).toBe(400);
    expect((await json(viaHook)).error.code).toBe("reserved_output_key");
    expect(await deliveries()).toEqual([]);
  });

  it("refuses an oversized webhook for a key with no wait yet with 413, so the wait registers afterwards", async () => {
    const res = await hook("gh", JSON.stringify({ key: "big", blob: "x".repeat(101 * 1024) }));
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("output_too_large");
    expect(await deliveries()).toEqual([]);
    const wait = await newWait({ source: "gh", correlationKey: "big" });
    expect(wait.status).toBe(201);
    expect((await json(wait)).status).toBe("open");
  });

  it("refuses a wait whose template would push a parked webhook over the limit, storing no wait", async () => {
    const parked = await hook("gh", JSON.stringify({ key: "k2", blob: "x".repeat(60 * 1024) }));
    expect((await json(parked)).outcome).toBe("parked");
    const wait = await newWait({
      source: "gh",
      correlationKey: "k2",
      output: { pad: "y".repeat(60 * 1024) },
    });
    expect(wait.status).toBe(413);
    expect((await store.listWaits({ limit: 10 })).items).toEqual([]);
    // Without the oversized template the same wait registers and takes the parked webhook.
    const ok = await newWait({ source: "gh", correlationKey: "k2" });
    expect((await json(ok)).status).toBe("closed");
  });

  it("stops a runaway mapping within its budget: 422 mapping_failed, nothing stored", async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ v: (i * 7919) % 20_000 }));
    const started = performance.now();
    const res = await hook("slow", JSON.stringify({ key: "k", items }));
    const elapsed = performance.now() - started;
    expect(res.status).toBe(422);
    expect((await json(res)).error.code).toBe("mapping_failed");
    // The whole request (verify, parse, 250 ms of mapping) — far below the seconds it took unbounded.
    expect(elapsed).toBeLessThan(3000);
    const deep = await hook("deep", JSON.stringify({ key: "k" }));
    expect(deep.status).toBe(422);
    expect((await json(deep)).error.code).toBe("mapping_failed");
    expect(await deliveries()).toEqual([]);
  });

  it("dedupes a GitHub webhook replayed under a new delivery id (the id is not signed)", async () => {
    const body = JSON.stringify({ key: "r", blob: "b", n: 1 });
    const first = await json(await hook("gh", body, "id-1"));
    expect(first.outcome).toBe("parked");
    const replay = await hook("gh", body, "id-2-forged");
    expect(replay.status).toBe(200);
    expect(await json(replay)).toMatchObject({ outcome: "duplicate", deliveryId: first.deliveryId });
    // A different body is a different webhook.
    expect(
      (await json(await hook("gh", JSON.stringify({ key: "r", blob: "c", n: 1 }), "id-3"))).outcome,
    ).toBe("parked");
    expect(await deliveries()).toHaveLength(2);
  });

  it("keeps an ignored webhook's metadata and body hash, not its content", async () => {
    const body = JSON.stringify({ key: "i", blob: "do-not-keep-me" });
    const res = await json(await hook("ignoring", body));
    expect(res.outcome).toBe("ignored");
    const stored = await store.getDelivery(res.deliveryId);
    expect(stored?.contentHash).toBe(await sha256Hex(body));
    expect(JSON.stringify(stored)).not.toContain("do-not-keep-me");
  });

  it("sends nothing to CDF for any of it", async () => {
    await post(await callbackUrl(), '{"output":{"x":1e999}}');
    await hook("gh", JSON.stringify({ key: "big", blob: "x".repeat(101 * 1024) }));
    expect(await forwardOnce(t.deps)).toBe(0);
  });
});
