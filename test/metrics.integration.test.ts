import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStandardWebhooks } from "../src/core/signatures/standard-webhooks.js";
import type { CdfEmulator } from "./support/cdf.js";
import { eventually } from "./support/eventually.js";
import type { InProcessGateway } from "./support/gateways.js";
import { Scrape } from "./support/prometheus.js";
import { Resources } from "./support/resources.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const LIMS_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/**
 * GET /metrics and the access log on the real gateway (config file, SQLite, a socket) forwarding
 * to the CDF emulator in its own process: the exposition parses, counters move by route PATTERN,
 * and no token reaches a label or a log line.
 */
describe("metrics and access log", () => {
  const resources = new Resources();
  let cdf: CdfEmulator;
  let gw: InProcessGateway;

  beforeAll(async () => {
    cdf = await resources.cdf();
    const file = resources.config({ cdfUrl: cdf.url, project: cdf.project });
    const doc = JSON.parse(readFileSync(file.path, "utf8"));
    doc.metrics = { token: METRICS_TOKEN };
    doc.sources = {
      lims: {
        verify: { scheme: "standard-webhooks", secrets: [LIMS_SECRET] },
        correlationKey: "data.sampleId",
        status: "type = 'sample.approved' ? 'COMPLETED' : null",
        output: "{ 'sampleId': data.sampleId }",
        parkUnmatchedFor: "1h",
      },
    };
    writeFileSync(file.path, JSON.stringify(doc));
    gw = await resources.inProcessGateway(file);
  });
  afterAll(() => resources.cleanup());

  async function scrape(): Promise<Scrape> {
    const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return new Scrape(await res.text());
  }

  async function hook(body: string, secret = LIMS_SECRET, source = "lims"): Promise<Response> {
    const id = `msg_${crypto.randomUUID()}`;
    const ts = Math.floor(Date.now() / 1000);
    const signature = await signStandardWebhooks(secret, id, ts, new TextEncoder().encode(body));
    return fetch(`${gw.url}/hooks/${source}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": signature,
      },
      body,
    });
  }

  it("is refused without the configured token, and compares it whole", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong-token-0123456789abcdef",
      `Bearer ${METRICS_TOKEN}x`,
    ]) {
      const res = await fetch(`${gw.url}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });

  it("exposes every family of DESIGN §7, Node's gauges included", async () => {
    const s = await scrape();
    for (const [name, type] of [
      ["taskgate_http_requests_total", "COUNTER"],
      ["taskgate_http_request_duration_seconds", "HISTOGRAM"],
      ["taskgate_webhooks_total", "COUNTER"],
      ["taskgate_rejections_total", "COUNTER"],
      ["taskgate_deliveries", "GAUGE"],
      ["taskgate_delivery_oldest_due_seconds", "GAUGE"],
      ["taskgate_forward_attempts_total", "COUNTER"],
      ["taskgate_forward_duration_seconds", "HISTOGRAM"],
      ["taskgate_cdf_token_refreshes_total", "COUNTER"],
      ["taskgate_approvals_total", "COUNTER"],
      ["taskgate_mail_total", "COUNTER"],
      ["process_resident_memory_bytes", "GAUGE"],
      ["nodejs_eventloop_lag_p99_seconds", "GAUGE"],
    ] as const) {
      expect(s.family(name).type, name).toBe(type);
    }
    expect(s.value("process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(s.value("taskgate_store_up")).toBe(1);
    for (const state of ["pending", "delivered", "dead", "parked", "ignored", "expired"]) {
      expect(
        s.family("taskgate_deliveries").metrics.some((m) => m.labels?.state === state),
        state,
      ).toBe(true);
    }
  });

  it("counts a callback, a webhook, refusals and the forward by route pattern and outcome", async () => {
    const before = await scrape();
    const callbackRoute = { route: "/v1/callbacks/:token", method: "POST", status: "202" };

    // A callback accepted and forwarded to CDF.
    const { taskId } = await cdf.newTask();
    const wait = await gw.api.createWait({ taskId });
    const token = new URL(wait.callbackUrl).pathname.split("/").at(-1)!;
    const answer = await gw.api.callback(wait.callbackUrl, { status: "COMPLETED" });
    expect(answer.status).toBe(202);
    await gw.api.waitForDelivery(answer.body.deliveryId, "delivered");
    // A forged callback URL, a webhook parked (no wait yet), a bad signature, an unknown source.
    expect((await gw.api.callback(`${gw.url}/v1/callbacks/not.a.token`, {})).status).toBe(401);
    const parked = JSON.stringify({ type: "sample.approved", data: { sampleId: "S-1" } });
    expect(await (await hook(parked)).json()).toMatchObject({ outcome: "parked" });
    expect((await hook(parked, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")).status).toBe(401);
    expect((await hook(parked, LIMS_SECRET, "no-such-source")).status).toBe(404);

    const after = await eventually(async () => {
      const s = await scrape();
      expect(s.value("taskgate_forward_attempts_total", { result: "delivered" })).toBeGreaterThan(
        before.value("taskgate_forward_attempts_total", { result: "delivered" }),
      );
      return s;
    });
    const moved = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    expect(moved("taskgate_http_requests_total", callbackRoute)).toBe(1);
    expect(moved("taskgate_http_requests_total", { route: "/v1/waits", method: "POST", status: "201" })).toBe(
      1,
    );
    expect(moved("taskgate_webhooks_total", { source: "lims", outcome: "parked" })).toBe(1);
    expect(moved("taskgate_rejections_total", { source: "callback", code: "token_invalid" })).toBe(1);
    expect(moved("taskgate_rejections_total", { source: "lims", code: "signature_invalid" })).toBe(1);
    expect(moved("taskgate_rejections_total", { source: "unknown", code: "unknown_source" })).toBe(1);
    expect(moved("taskgate_forward_attempts_total", { result: "delivered" })).toBe(1);
    expect(
      after.count("taskgate_forward_duration_seconds") - before.count("taskgate_forward_duration_seconds"),
    ).toBe(1);
    expect(
      after.count("taskgate_http_request_duration_seconds", { route: "/v1/callbacks/:token" }) -
        before.count("taskgate_http_request_duration_seconds", { route: "/v1/callbacks/:token" }),
    ).toBe(2);
    expect(after.value("taskgate_cdf_token_refreshes_total")).toBeGreaterThanOrEqual(1);
    expect(after.value("taskgate_deliveries", { state: "parked" })).toBeGreaterThanOrEqual(1);
    expect(after.value("taskgate_deliveries", { state: "delivered" })).toBeGreaterThanOrEqual(1);
    expect(after.value("taskgate_delivery_oldest_due_seconds")).toBe(0);

    // The token and the raw paths appear nowhere in the exposition.
    expect(after.text).not.toContain(token);
    expect(after.text).not.toContain("not.a.token");
    expect(after.text).not.toContain("no-such-source");
    expect(after.labelValues().filter((v) => v.startsWith("/"))).not.toContainEqual(
      expect.stringMatching(/\/v1\/callbacks\/[^:]/),
    );

    // One access log line per request, with the pattern only: never the token, anywhere.
    const lines = gw.logs.filter((e) => e.msg === "request");
    const accepted = lines.find((e) => e.fields.requestId === answer.headers.get("x-request-id"));
    expect(accepted?.level).toBe("info");
    expect(accepted?.fields).toMatchObject({
      method: "POST",
      route: "/v1/callbacks/:token",
      status: 202,
      outcome: "queued",
      ms: expect.any(Number),
    });
    expect(lines.find((e) => e.fields.code === "signature_invalid")?.fields).toMatchObject({
      route: "/hooks/:source",
      source: "lims",
      status: 401,
    });
    expect(lines.find((e) => e.fields.outcome === "parked")?.fields).toMatchObject({
      route: "/hooks/:source",
      source: "lims",
      status: 202,
    });
    const everything = JSON.stringify(gw.logs);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain("not.a.token");
    expect(everything).not.toContain(METRICS_TOKEN);
  });

  it("logs a client that hangs up mid-body at info, with status 499, and never as an error", async () => {
    const errorsBefore = gw.logs.filter((e) => e.level === "error").length;
    const { hostname: host, port } = new URL(gw.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port: Number(port) }, () => {
        socket.write(
          'POST /hooks/lims HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"type":',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on("error", reject);
    });
    const line = await eventually(() => {
      const found = gw.logs.find((e) => e.msg === "request" && e.fields.status === 499);
      expect(found).toBeDefined();
      return found!;
    });
    expect(line.level).toBe("info");
    expect(line.fields).toMatchObject({ route: "/hooks/:source", source: "lims", code: "client_closed" });
    expect(gw.logs.some((e) => e.msg === "client closed the connection before the answer")).toBe(true);
    expect(gw.logs.filter((e) => e.level === "error").length).toBe(errorsBefore);
  });
});
