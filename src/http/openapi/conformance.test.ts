import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { responseChecker } from "../../../test/support/openapi.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { sha256Hex } from "../../core/canonical-json.js";
import { signStandardWebhooks } from "../../core/signatures/standard-webhooks.js";
import type { Emulator } from "../../emulator/emulator.js";
import { compileSources } from "../../services/sources.js";
import type { OpenApiDocument } from "./document-types.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const sources = compileSources({
  lims: {
    verify: { scheme: "standard-webhooks", secrets: [SECRET], tolerance: 300_000 },
    correlationKey: "data.sampleId",
    status: "type = 'sample.approved' ? 'COMPLETED' : null",
    output: "{ 'sampleId': data.sampleId }",
    parkUnmatchedFor: 3_600_000,
  },
});
const auth = { authorization: `Bearer ${TEST_API_KEY}` };
const jsonHeaders = { ...auth, "content-type": "application/json" };

/**
 * Real answers of the app, checked against the document it serves: each status must be
 * documented for its route and each JSON body must match that status's schema. A view that
 * gains a field, or a route that answers a code it does not list, fails here.
 */
describe("responses conform to /openapi.json", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let t: ReturnType<typeof testApp>;
  let check: ReturnType<typeof responseChecker>;
  beforeAll(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    const cdf = emulatedCdf(clock);
    emulator = cdf.emulator;
    t = testApp({ store, cdf: cdf.cdf, clock, overrides: { sources, sha256: sha256Hex } });
    check = responseChecker((await (await t.app.request("/openapi.json")).json()) as OpenApiDocument);
  });
  afterAll(() => store.close());

  async function expectConforms(method: string, route: string, res: Response, status: number) {
    expect(await check(method, route, res)).toEqual([]);
    expect(res.status).toBe(status);
  }
  const newTask = () => emulator.createExecution().executedTasks[0]!.id;
  const post = (path: string, body: unknown, headers: Record<string, string> = jsonHeaders) =>
    t.app.request(path, { method: "POST", headers, body: JSON.stringify(body) });

  it("waits: create, read, list, cancel", async () => {
    const created = await post("/v1/waits", {
      taskId: newTask(),
      ttl: "1h",
      source: "lims",
      correlationKey: "S-1",
      output: { a: 1 },
      metadata: { by: "test" },
    });
    await expectConforms("POST", "/v1/waits", created, 201);
    const { id } = (await created.json()) as { id: string };
    await expectConforms(
      "GET",
      "/v1/waits/:id",
      await t.app.request(`/v1/waits/${id}`, { headers: auth }),
      200,
    );
    await expectConforms(
      "GET",
      "/v1/waits",
      await t.app.request("/v1/waits?limit=5", { headers: auth }),
      200,
    );
    const cancel = await t.app.request(`/v1/waits/${id}`, { method: "DELETE", headers: auth });
    await expectConforms("DELETE", "/v1/waits/:id", cancel, 200);
  });

  it("callbacks and deliveries: accepted, duplicate, forwarded with its attempts, replayed", async () => {
    const created = (await (await post("/v1/waits", { taskId: newTask() })).json()) as {
      callbackUrl: string;
    };
    const path = new URL(created.callbackUrl).pathname;
    const first = await post(path, { output: { ok: true } }, { "content-type": "application/json" });
    await expectConforms("POST", "/v1/callbacks/:token", first, 202);
    const again = await post(path, { output: { ok: true } }, { "content-type": "application/json" });
    await expectConforms("POST", "/v1/callbacks/:token", again, 200);
    const { deliveryId } = (await first.json()) as { deliveryId: string };
    await forwardOnce(t.deps);
    const detail = await t.app.request(`/v1/deliveries/${deliveryId}`, { headers: auth });
    expect(((await detail.clone().json()) as { history: unknown[] }).history).toHaveLength(1);
    await expectConforms("GET", "/v1/deliveries/:id", detail, 200);
    const list = await t.app.request("/v1/deliveries?status=delivered", { headers: auth });
    await expectConforms("GET", "/v1/deliveries", list, 200);
    const replay = await t.app.request(`/v1/deliveries/${deliveryId}/replay`, {
      method: "POST",
      headers: auth,
    });
    await expectConforms("POST", "/v1/deliveries/:id/replay", replay, 202);
  });

  it("webhooks: queued, parked, ignored and duplicate", async () => {
    let seq = 0;
    const hook = async (payload: unknown, id = `msg_${++seq}`) => {
      const body = JSON.stringify(payload);
      const ts = Math.floor(t.clock.now() / 1000);
      const signature = await signStandardWebhooks(SECRET, id, ts, new TextEncoder().encode(body));
      const headers = {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": signature,
      };
      return t.app.request("/hooks/lims", { method: "POST", headers, body });
    };
    await expectConforms(
      "POST",
      "/hooks/:source",
      await hook({ type: "sample.approved", data: { sampleId: "P" } }),
      202,
    );
    await expectConforms(
      "POST",
      "/hooks/:source",
      await hook({ type: "other", data: { sampleId: "I" } }),
      202,
    );
    await expectConforms(
      "POST",
      "/hooks/:source",
      await hook({ type: "other", data: { sampleId: "I" } }, "msg_2"),
      200,
    );
    await post("/v1/waits", { taskId: newTask(), source: "lims", correlationKey: "Q" });
    await expectConforms(
      "POST",
      "/hooks/:source",
      await hook({ type: "sample.approved", data: { sampleId: "Q" } }),
      202,
    );
  });

  it("approvals: create, read with decisions and mails, list, cancel", async () => {
    const created = await post("/v1/approvals", {
      taskId: newTask(),
      title: "Restart pump P-101",
      approvers: [{ email: "ada@example.com", name: "Ada" }, { email: "bo@example.com" }],
      policy: { kind: "quorum", count: 1 },
      requestedBy: { name: "Ops" },
    });
    await expectConforms("POST", "/v1/approvals", created, 201);
    const { id, links } = (await created.json()) as { id: string; links: { url: string }[] };
    const form = await t.app.request(new URL(links[0]!.url).pathname, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "decision=approve&comment=fine",
    });
    await expectConforms("POST", "/a/:token", form, 200);
    await expectConforms("GET", "/a/:token", await t.app.request(new URL(links[1]!.url).pathname), 200);
    const detail = await t.app.request(`/v1/approvals/${id}`, { headers: auth });
    expect(((await detail.clone().json()) as { decisions: unknown[] }).decisions).toHaveLength(1);
    await expectConforms("GET", "/v1/approvals/:id", detail, 200);
    await expectConforms(
      "GET",
      "/v1/approvals",
      await t.app.request("/v1/approvals", { headers: auth }),
      200,
    );
    const pending = (await (
      await post("/v1/approvals", { taskId: newTask(), title: "t", approvers: [{ email: "c@example.com" }] })
    ).json()) as { id: string };
    const cancel = await t.app.request(`/v1/approvals/${pending.id}`, { method: "DELETE", headers: auth });
    await expectConforms("DELETE", "/v1/approvals/:id", cancel, 200);
  });

  it("errors: each in the envelope with a documented code for its status", async () => {
    const cases: [string, string, Response, number][] = [
      ["GET", "/v1/waits/:id", await t.app.request("/v1/waits/nope", { headers: auth }), 404],
      ["GET", "/v1/waits/:id", await t.app.request("/v1/waits/nope"), 401],
      ["POST", "/v1/waits", await post("/v1/waits", { taskId: "short" }), 400],
      [
        "POST",
        "/v1/waits",
        await t.app.request("/v1/waits", { method: "POST", headers: auth, body: "{}" }),
        415,
      ],
      ["GET", "/v1/waits", await t.app.request("/v1/waits?limit=0", { headers: auth }), 400],
      ["POST", "/v1/callbacks/:token", await post("/v1/callbacks/forged", {}, {}), 401],
      ["POST", "/hooks/:source", await post("/hooks/nope", {}, { "content-type": "application/json" }), 404],
      ["POST", "/hooks/:source", await post("/hooks/lims", {}, { "content-type": "application/json" }), 401],
      ["GET", "/v1/deliveries/:id", await t.app.request("/v1/deliveries/nope", { headers: auth }), 404],
      ["GET", "/a/:token", await t.app.request("/a/forged"), 404],
    ];
    for (const [method, route, res, status] of cases) await expectConforms(method, route, res, status);
  });

  it("operations and the reference itself", async () => {
    await expectConforms("GET", "/healthz", await t.app.request("/healthz"), 200);
    await expectConforms("GET", "/readyz", await t.app.request("/readyz"), 200);
    await expectConforms("GET", "/openapi.json", await t.app.request("/openapi.json"), 200);
    await expectConforms("GET", "/docs", await t.app.request("/docs"), 200);
  });

  it("fails a body that does not match and a status that is not documented", async () => {
    const fake = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    expect(await check("GET", "/v1/waits/:id", fake(200, { id: "x" }))).not.toEqual([]);
    expect(await check("GET", "/v1/waits/:id", fake(418, {}))).toEqual([
      "GET /v1/waits/{id} answered 418, which is not documented",
    ]);
    const wrongCode = fake(404, { error: { code: "delivery_not_found", message: "m", requestId: "r" } });
    expect((await check("GET", "/v1/waits/:id", wrongCode)).join()).toContain(
      "must be equal to one of the allowed values",
    );
  });
});
