import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { sha256Hex } from "../../core/canonical-json.js";
import { signStandardWebhooks } from "../../core/signatures/standard-webhooks.js";
import type { Emulator } from "../../emulator/emulator.js";
import type { RejectionRecord } from "../../ports/rejection-store.js";
import { RejectionLog } from "../../services/rejection-log.js";
import { compileSources } from "../../services/sources.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WRONG = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
const auth = { authorization: `Bearer ${TEST_API_KEY}` };
const verify = { scheme: "standard-webhooks" as const, secrets: [SECRET], tolerance: 300_000 };
const sources = compileSources({
  lims: { verify, correlationKey: "key", status: "'COMPLETED'", output: "{}", parkUnmatchedFor: 3_600_000 },
  // A mapping that runs past its budget on any payload: 422 mapping_failed.
  deep: {
    verify,
    correlationKey: "key",
    status: "'COMPLETED'",
    output: "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; { 'd': $f(100000) })",
    parkUnmatchedFor: 3_600_000,
  },
});

/**
 * Each kind of refusal on /hooks/:source and /v1/callbacks/:token leaves one row with its code,
 * and nothing that could replay or forge the request: no body, no header value, no token.
 */
describe("the rejected-request log over HTTP", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let log: RejectionLog;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    const e = emulatedCdf(clock);
    emulator = e.emulator;
    t = testApp({
      store,
      cdf: e.cdf,
      clock,
      overrides: { sources, sha256: sha256Hex, bodyLimitBytes: 4096 },
    });
    log = new RejectionLog(
      { store: store.rejections, clock, ids: t.deps.ids, logger: t.logger },
      { maxRows: 1_000, flushIntervalMs: 1 },
    );
    t.deps.rejections = log;
  });
  afterEach(async () => {
    await log.close();
    await store.close();
  });

  let seq = 0;
  async function hook(source: string, body: string, over: { secret?: string; ts?: number } = {}) {
    const id = `msg_${++seq}`;
    const ts = over.ts ?? Math.floor(t.clock.now() / 1000);
    const signature = await signStandardWebhooks(
      over.secret ?? SECRET,
      id,
      ts,
      new TextEncoder().encode(body),
    );
    const res = await t.app.request(`/hooks/${source}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(new TextEncoder().encode(body).byteLength),
        "user-agent": "LIMS/2.1",
        "cf-connecting-ip": "203.0.113.5",
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": signature,
      },
      body,
    });
    return { res, signature };
  }

  async function rows(): Promise<RejectionRecord[]> {
    await log.flush();
    return (await store.rejections.listRejections({ limit: 100 })).items;
  }

  async function only(): Promise<RejectionRecord> {
    const all = await rows();
    expect(all).toHaveLength(1);
    return all[0]!;
  }

  async function openWait(ttl = "1h") {
    const taskId = emulator.createExecution().executedTasks[0]!.id;
    const res = await t.app.request("/v1/waits", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ taskId, ttl }),
    });
    return new URL((await json(res)).callbackUrl as string).pathname;
  }

  it("signature_invalid: time, source, code, client, header names, body size and hash; never the signature", async () => {
    const body = JSON.stringify({ key: "k1" });
    const { res, signature } = await hook("lims", body, { secret: WRONG });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe("signature_invalid");
    const row = await only();
    expect(row).toMatchObject({
      at: t.clock.now(),
      route: "hook",
      source: "lims",
      code: "signature_invalid",
      status: 401,
      clientIp: "203.0.113.5",
      userAgent: "LIMS/2.1",
      bodySize: body.length,
      bodySha256: await sha256Hex(body),
    });
    expect(row.headerNames).toEqual(
      expect.arrayContaining(["content-type", "webhook-id", "webhook-signature", "webhook-timestamp"]),
    );
    const sigValue = signature.split(",")[1]!;
    expect(JSON.stringify(row)).not.toContain(sigValue);
    expect(JSON.stringify(row)).not.toContain("k1");
    const api = await t.app.request("/v1/rejections", { headers: auth });
    const text = await api.text();
    expect(JSON.parse(text).items).toHaveLength(1);
    expect(text).not.toContain(sigValue);
  });

  it("timestamp_out_of_tolerance", async () => {
    const { res } = await hook("lims", "{}", { ts: Math.floor(t.clock.now() / 1000) - 301 });
    expect(res.status).toBe(401);
    expect(await only()).toMatchObject({ code: "timestamp_out_of_tolerance", source: "lims", status: 401 });
  });

  it("unknown_source: the name asked for, the announced size, no hash (the body is never read)", async () => {
    const { res } = await hook("nope", '{"a":1}');
    expect(res.status).toBe(404);
    expect(await only()).toMatchObject({
      code: "unknown_source",
      source: "nope",
      bodySize: 7,
      bodySha256: null,
    });
  });

  it("payload_too_large, refused before the body is read", async () => {
    const { res } = await hook("lims", JSON.stringify({ key: "x".repeat(5000) }));
    expect(res.status).toBe(413);
    expect(await only()).toMatchObject({
      code: "payload_too_large",
      source: "lims",
      status: 413,
      bodySha256: null,
    });
  });

  it("malformed_body for a signed body that is not JSON", async () => {
    const { res } = await hook("lims", "{not json");
    expect(res.status).toBe(400);
    expect(await only()).toMatchObject({
      code: "malformed_body",
      bodySize: 9,
      bodySha256: await sha256Hex("{not json"),
    });
  });

  it("mapping_failed when the source's mapping runs past its budget", async () => {
    const { res } = await hook("deep", JSON.stringify({ key: "k" }));
    expect(res.status).toBe(422);
    expect(await only()).toMatchObject({ code: "mapping_failed", source: "deep", status: 422 });
  });

  it("token_invalid on a callback, never keeping the token (path) or the body", async () => {
    const path = await openWait();
    const token = path.split("/").at(-1)!;
    const tampered = `${token.slice(0, -6)}AAAAAA`;
    const res = await t.app.request(`/v1/callbacks/${tampered}`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.1" },
      body: '{"output":{"pin":"1234"}}',
    });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe("token_invalid");
    const row = await only();
    expect(row).toMatchObject({
      route: "callback",
      source: null,
      code: "token_invalid",
      clientIp: "198.51.100.1",
    });
    const stored = JSON.stringify(row);
    for (const secret of [token, tampered, token.split(".")[1]!, tampered.slice(-20), "1234"])
      expect(stored).not.toContain(secret);
    const api = await (await t.app.request("/v1/rejections?code=token_invalid", { headers: auth })).text();
    for (const secret of [token, tampered, tampered.slice(-20)]) expect(api).not.toContain(secret);
  });

  it("token_expired on a callback past its wait and grace", async () => {
    const path = await openWait("1h");
    t.clock.advance(3_600_000 + 24 * 3_600_000);
    const res = await t.app.request(path, { method: "POST" });
    expect(res.status).toBe(401);
    expect(await only()).toMatchObject({ route: "callback", code: "token_expired" });
  });

  it("wait_closed: a different result after the first, and the accepted one is not recorded", async () => {
    const path = await openWait();
    const post = (body: unknown) =>
      t.app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ status: "COMPLETED" })).status).toBe(202);
    expect(await rows()).toEqual([]);
    expect((await post({ status: "FAILED" })).status).toBe(409);
    expect(await only()).toMatchObject({ route: "callback", code: "wait_closed", status: 409 });
  });

  it("records nothing for an accepted webhook or a refused management call", async () => {
    const { res } = await hook("lims", JSON.stringify({ key: "fine" }));
    expect(res.status).toBe(202);
    expect((await t.app.request("/v1/waits", { method: "POST" })).status).toBe(401);
    expect(await rows()).toEqual([]);
  });

  it("never changes the answer, even when recording fails", async () => {
    const before = await hook("lims", "{}", { secret: WRONG });
    t.deps.rejections = {
      record: () => {
        throw new Error("recorder broken");
      },
    };
    const after = await hook("lims", "{}", { secret: WRONG });
    expect(after.res.status).toBe(before.res.status);
    const [a, b] = [await json(before.res), await json(after.res)];
    expect({ ...b.error, requestId: "" }).toEqual({ ...a.error, requestId: "" });
    expect(t.logger.entries.some((e) => e.msg.startsWith("rejected-request log: could not record"))).toBe(
      true,
    );
  });

  describe("GET /v1/rejections", () => {
    it("filters by source and code, pages with a cursor, and refuses a made-up cursor", async () => {
      await hook("lims", "{}", { secret: WRONG });
      await hook("nope", "{}");
      t.clock.advance(1);
      await hook("lims", "{}", { secret: WRONG });
      await hook("lims", "{nope");
      await log.flush();
      const get = async (q: string) => {
        const res = await t.app.request(`/v1/rejections${q}`, { headers: auth });
        expect(res.status).toBe(200);
        return (await res.json()) as { items: RejectionRecord[]; nextCursor: string | null };
      };
      const lims = (await get("?source=lims")).items;
      // Newest first: the two of the later millisecond, then the first one.
      expect(lims.map((r) => r.at)).toEqual([t.clock.now(), t.clock.now(), t.clock.now() - 1]);
      expect(lims.map((r) => r.code).sort()).toEqual([
        "malformed_body",
        "signature_invalid",
        "signature_invalid",
      ]);
      expect((await get("?code=unknown_source")).items.map((r) => r.source)).toEqual(["nope"]);
      expect((await get(`?since=${t.clock.now()}`)).items).toHaveLength(2);
      const first = await get("?limit=3");
      expect(first.items).toHaveLength(3);
      const second = await get(`?limit=3&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect(new Set([...first.items, ...second.items].map((r) => r.id)).size).toBe(4);
      for (const q of ["?cursor=abc", "?code=nonsense", "?limit=0", "?other=1"]) {
        const res = await t.app.request(`/v1/rejections${q}`, { headers: auth });
        expect(res.status, q).toBe(400);
      }
      expect((await t.app.request("/v1/rejections")).status).toBe(401);
    });
  });
});
