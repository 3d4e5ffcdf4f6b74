import { describe, expect, it } from "vitest";
import { apiHeaders, approvalHarness } from "../../../test/support/approval-harness.js";
import { Scrape } from "../../../test/support/prometheus.js";
import { CapturingMailer } from "../../adapters/mail/capturing-mailer.js";
import { SecretMatcher } from "../../core/signatures/constant-time.js";
import { createEmulator } from "../../emulator/emulator.js";
import { expireApprovals } from "../../services/approval-decisions.js";
import { MailOutbox } from "../../services/mail-outbox.js";
import { OneTimeSignIn } from "../console/one-time-sign-in.js";
import { CONSOLE_CSP } from "../console/respond.js";
import { approvalMessage } from "../pages/mail/approval-mail.js";
import { STATUS_LINE } from "./landing.js";

async function scrape(app: { request: (path: string) => Response | Promise<Response> }): Promise<Scrape> {
  const res = await app.request("/metrics");
  expect(res.status).toBe(200);
  return new Scrape(await res.text());
}

describe("GET /metrics", () => {
  it("is open when no metrics.token is configured, and reads the store's gauges", async () => {
    const h = await approvalHarness();
    const s = await scrape(h.app);
    expect(s.value("taskgate_store_up")).toBe(1);
    expect(s.value("taskgate_deliveries", { state: "pending" })).toBe(0);
    // Node's own gauges are the Node composition root's: an app alone has none.
    expect(s.families.some((f) => f.name === "process_resident_memory_bytes")).toBe(false);
    await h.store.close();
  });

  it("says how long the oldest due delivery has waited, and that a dead store leaves the rest served", async () => {
    const h = await approvalHarness();
    const { id, paths } = await h.approvalFor({ policy: { kind: "any" } });
    expect((await h.submit(paths[0]!, { decision: "approve" })).status).toBe(200);
    h.clock.advance(90_000);
    const s = await scrape(h.app);
    expect(s.value("taskgate_deliveries", { state: "pending" })).toBe(1);
    expect(s.value("taskgate_delivery_oldest_due_seconds")).toBe(90);
    expect(s.value("taskgate_approvals_total", { outcome: "approved" })).toBe(1);
    expect(id).toBeTruthy();

    await h.store.close();
    const down = await scrape(h.app);
    expect(down.value("taskgate_store_up")).toBe(0);
    expect(down.value("taskgate_approvals_total", { outcome: "approved" })).toBe(1);
    expect(h.logger.entries.some((e) => e.level === "warn" && e.msg.startsWith("metrics:"))).toBe(true);
  });

  it("wants the configured token as a bearer", async () => {
    const token = "a-metrics-token-0123456789";
    const h = await approvalHarness({ overrides: { metricsToken: new SecretMatcher([token]) } });
    expect((await h.app.request("/metrics")).status).toBe(401);
    const wrong = await h.app.request("/metrics", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const right = await h.app.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    expect(right.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    await h.store.close();
  });

  it("counts approvals by how they end: approved, rejected, cancelled once, expired", async () => {
    const h = await approvalHarness();
    const approved = await h.approvalFor({ policy: { kind: "any" } });
    await h.submit(approved.paths[0]!, { decision: "approve" });
    const rejected = await h.approvalFor({ policy: { kind: "all" } });
    await h.submit(rejected.paths[1]!, { decision: "reject" });
    const cancelled = await h.approvalFor();
    for (let i = 0; i < 2; i++) {
      await h.app.request(`/v1/approvals/${cancelled.id}`, { method: "DELETE", headers: apiHeaders });
    }
    await h.approvalFor({ ttl: "1h" });
    h.clock.advance(2 * 3_600_000);
    expect(await expireApprovals(h.deps, h.clock.now())).toBe(1);

    const s = await scrape(h.app);
    for (const outcome of ["approved", "rejected", "cancelled", "expired"]) {
      expect(s.value("taskgate_approvals_total", { outcome }), outcome).toBe(1);
    }
    await h.store.close();
  });

  it("counts the mail outbox's results", async () => {
    const h = await approvalHarness();
    const outbox = new MailOutbox(h.deps, new CapturingMailer({ clock: h.clock, ids: h.deps.ids }), {
      render: approvalMessage,
    });
    h.deps.mailOutbox = outbox;
    await h.approvalFor({ notify: true });
    expect(await outbox.runOnce()).toBe(2);
    const s = await scrape(h.app);
    expect(s.value("taskgate_mail_total", { result: "sent" })).toBe(2);
    expect(s.value("taskgate_mail_total", { result: "dead" })).toBe(0);
    await h.store.close();
  });
});

describe("access log", () => {
  it("writes one line per request with the route pattern, never the token in the path", async () => {
    const h = await approvalHarness({ overrides: { accessLog: true } });
    const { paths } = await h.approvalFor();
    const token = paths[0]!.split("/").at(-1)!;
    const page = await h.app.request(paths[0]!, { headers: { "x-request-id": "req-1" } });
    expect(page.status).toBe(200);
    const forged = await h.app.request(`/v1/callbacks/${token}`, { method: "POST", body: "{}" });
    expect(forged.status).toBe(401);

    const lines = h.logger.entries.filter((e) => e.msg === "request");
    expect(lines.find((e) => e.fields.requestId === "req-1")).toMatchObject({
      level: "info",
      fields: { method: "GET", route: "/a/:token", status: 200 },
    });
    expect(lines.at(-1)?.fields).toMatchObject({
      route: "/v1/callbacks/:token",
      status: 401,
      code: "token_invalid",
    });
    expect(JSON.stringify(h.logger.entries)).not.toContain(token);
    const s = await scrape(h.app);
    expect(s.value("taskgate_rejections_total", { source: "callback", code: "token_invalid" })).toBe(1);
    expect(
      s.value("taskgate_http_requests_total", { route: "/a/:token", method: "GET", status: "200" }),
    ).toBe(1);
    expect(s.text).not.toContain(token);
    await h.store.close();
  });

  it("labels a request no route matched as unmatched, without its path", async () => {
    const h = await approvalHarness({ overrides: { accessLog: true } });
    const res = await h.app.request("/v1/callbacks/abc/def/secret-looking-thing");
    expect(res.status).toBe(404);
    expect(h.logger.entries.at(-1)?.fields).toMatchObject({
      route: "unmatched",
      status: 404,
      code: "not_found",
    });
    const s = await scrape(h.app);
    expect(
      s.value("taskgate_http_requests_total", { route: "unmatched", method: "GET", status: "404" }),
    ).toBe(1);
    expect(s.text).not.toContain("secret-looking-thing");
    await h.store.close();
  });

  it("is not written with server.accessLog off, while the metrics still count", async () => {
    const h = await approvalHarness();
    await h.app.request("/healthz");
    expect(h.logger.entries.filter((e) => e.msg === "request")).toEqual([]);
    const s = await scrape(h.app);
    expect(s.value("taskgate_http_requests_total", { route: "/healthz", method: "GET", status: "200" })).toBe(
      1,
    );
    await h.store.close();
  });
});

describe("GET /", () => {
  it("is a bare status line outside local mode: no version, no links", async () => {
    const h = await approvalHarness();
    const res = await h.app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    expect(await res.text()).toBe(STATUS_LINE);
    expect((await h.app.request("/", { method: "HEAD" })).status).toBe(200);
    await h.store.close();
  });

  it("is a page of links in local mode, with a one-time console sign-in link that works once", async () => {
    const h = await approvalHarness();
    const signIn = new OneTimeSignIn(h.deps, "tests");
    h.deps.emulator = createEmulator({ clock: h.clock }).app;
    h.deps.console = { signIn };
    const res = await h.app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    for (const href of [
      "/console/mail",
      "/docs",
      "/metrics",
      "/openapi.json",
      "/emulator/_emulator/requests",
    ]) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).not.toMatch(/<script|style=/);
    const link = /href="(\/console\/login\/[^"]+)"/.exec(html)?.[1];
    expect(link).toBeDefined();
    const first = await h.app.request(link!);
    expect(first.status).toBe(303);
    expect((await h.app.request(link!)).status).not.toBe(303);
    await h.store.close();
  });
});
