import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiHeaders, approvalHarness } from "../../../test/support/approval-harness.js";
import { json } from "../../../test/support/json.js";

describe("/v1/approvals", () => {
  let h: Awaited<ReturnType<typeof approvalHarness>>;
  beforeEach(async () => {
    h = await approvalHarness();
  });
  afterEach(() => h.store.close());

  const count = async () =>
    (await json(await h.app.request("/v1/approvals", { headers: apiHeaders }))).items.length;

  it("creates an approval with one signed link per approver", async () => {
    const { taskId, created } = await h.approvalFor({
      description: "Promotes **v7** to production.",
      policy: { kind: "quorum", count: 2 },
      approvers: [
        { email: "ada@example.com", name: "Ada" },
        { email: "bo@example.com" },
        { email: "cy@example.com" },
      ],
      ttl: "2h",
      metadata: { change: "CHG-1" },
    });
    expect(created).toMatchObject({
      taskId,
      status: "pending",
      policy: { kind: "quorum", count: 2 },
      onReject: "fail",
      onExpire: "fail",
      notify: false,
      expiresAt: h.clock.now() + 2 * 3_600_000,
      decisions: [],
      metadata: { change: "CHG-1" },
    });
    expect(created.links.map((l: { email: string }) => l.email)).toEqual([
      "ada@example.com",
      "bo@example.com",
      "cy@example.com",
    ]);
    const urls: string[] = created.links.map((l: { url: string }) => l.url);
    for (const url of urls) expect(url).toMatch(/^https:\/\/taskgate\.test\/a\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(new Set(urls).size).toBe(3);
    // Token ids stay inside.
    expect(JSON.stringify(created)).not.toContain("tokenId");
    const read = await h.read(created.id);
    expect(read).toMatchObject({ id: created.id, status: "pending", mails: [] });
    expect(read.links).toBeUndefined();
  });

  it("keeps who asked (requestedBy), and answers null when the request did not say", async () => {
    const { created } = await h.approvalFor({
      requestedBy: { name: "Grace Hopper", email: "grace@example.com" },
    });
    expect(created.requestedBy).toEqual({ name: "Grace Hopper", email: "grace@example.com" });
    expect((await h.read(created.id)).requestedBy).toEqual({
      name: "Grace Hopper",
      email: "grace@example.com",
    });
    const { created: bare } = await h.approvalFor({ requestedBy: { name: "Release bot" } });
    expect((await h.read(bare.id)).requestedBy).toEqual({ name: "Release bot", email: null });
    const { created: none } = await h.approvalFor();
    expect((await h.read(none.id)).requestedBy).toBeNull();
  });

  it("resolves executionId + taskExternalId through CDF", async () => {
    const exec = h.emulator.createExecution({ tasks: [{ externalId: "sign-off" }] });
    const { res, body } = await h.create({
      executionId: exec.id,
      taskExternalId: "sign-off",
      title: "Sign off",
      approvers: [{ email: "ada@example.com" }],
    });
    expect(res.status).toBe(201);
    expect(body).toMatchObject({
      taskId: exec.executedTasks[0]!.id,
      executionId: exec.id,
      taskExternalId: "sign-off",
    });
  });

  it("queues one mail per approver when mail is configured, and tells the outbox", async () => {
    let kicks = 0;
    await h.store.close();
    h = await approvalHarness({ overrides: { mailOutbox: { kick: () => kicks++ } } });
    const { created } = await h.approvalFor();
    expect(created.notify).toBe(true);
    expect(kicks).toBe(1);
    const read = await h.read(created.id);
    expect(read.mails).toEqual([
      { email: "ada@example.com", status: "pending", attempts: 0, lastError: null, sentAt: null },
      { email: "bo@example.com", status: "pending", attempts: 0, lastError: null, sentAt: null },
    ]);
  });

  it("refuses notify without mail configured, storing nothing", async () => {
    const taskId = h.emulator.createExecution().executedTasks[0]!.id;
    const { res, body } = await h.create({
      taskId,
      title: "x",
      approvers: [{ email: "a@b.co" }],
      notify: true,
    });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("mail_not_configured");
    expect(await count()).toBe(0);
  });

  const taskless = {
    title: "Deploy",
    approvers: [{ email: "ada@example.com" }, { email: "bo@example.com" }],
  };
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      "a quorum larger than the approvers",
      { policy: { kind: "quorum", count: 3 } },
      "invalid_request",
      "policy",
    ],
    ["a zero quorum", { policy: { kind: "quorum", count: 0 } }, "invalid_request", "policy.count"],
    ["an unknown policy", { policy: { kind: "most" } }, "invalid_request", "policy.kind"],
    ["no approvers", { approvers: [] }, "invalid_request", "approvers"],
    [
      "the same approver twice (case aside)",
      { approvers: [{ email: "ada@example.com" }, { email: "ADA@example.com" }] },
      "invalid_request",
      "approvers.1.email",
    ],
    [
      "an approver without a valid email",
      { approvers: [{ email: "not-an-email" }] },
      "invalid_request",
      "approvers.0.email",
    ],
    ["a title with a line break", { title: "a\nBcc: x@y.z" }, "invalid_request", "title"],
    [
      "a name with a line break",
      { approvers: [{ email: "a@b.co", name: "A\r\nB" }] },
      "invalid_request",
      "approvers.0.name",
    ],
    ["an expiry in the past", { expiresAt: 1 }, "invalid_request", "expiresAt"],
    ["a lifetime over approvals.maxTtl", { ttl: "400d" }, "invalid_request", "ttl"],
    ["both ttl and expiresAt", { ttl: "1h", expiresAt: 9_999_999_999_999 }, "invalid_request", "ttl"],
    ["an unknown field", { colour: "red" }, "invalid_request", "(body)"],
    ["an unknown onReject", { onReject: "ignore" }, "invalid_request", "onReject"],
    ["an empty requestedBy", { requestedBy: {} }, "invalid_request", "requestedBy"],
    [
      "a requester name with a line break",
      { requestedBy: { name: "A\nBcc: x@y.z" } },
      "invalid_request",
      "requestedBy.name",
    ],
  ])("refuses %s (400, nothing stored)", async (_, over, code, path) => {
    const taskId = h.emulator.createExecution().executedTasks[0]!.id;
    const { res, body } = await h.create({ taskId, ...taskless, ...over });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe(code);
    const paths = [
      body.error.details?.path,
      ...(body.error.details?.problems ?? []).map((p: { path: string }) => p.path),
    ];
    expect(paths).toContain(path);
    expect(await count()).toBe(0);
  });

  it("refuses a task CDF does not know when given by execution (404)", async () => {
    const { res, body } = await h.create({ executionId: "nope", taskExternalId: "x", ...taskless });
    expect(res.status).toBe(404);
    expect(body.error.code).toBe("task_not_found");
  });

  it("requires the API key", async () => {
    const res = await h.app.request("/v1/approvals", { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    expect((await h.app.request("/v1/approvals")).status).toBe(401);
  });

  it("lists by status and task with a cursor", async () => {
    const a = await h.approvalFor();
    h.clock.advance(1);
    const b = await h.approvalFor();
    h.clock.advance(1);
    const c = await h.approvalFor();
    await h.app.request(`/v1/approvals/${b.id}`, { method: "DELETE", headers: apiHeaders });
    const get = async (q: string) => json(await h.app.request(`/v1/approvals?${q}`, { headers: apiHeaders }));
    const first = await get("limit=2");
    expect(first.items.map((x: { id: string }) => x.id)).toEqual([c.id, b.id]);
    const second = await get(`limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect((await get("status=cancelled")).items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect((await get(`taskId=${a.taskId}`)).items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    const bad = await h.app.request("/v1/approvals?status=maybe", { headers: apiHeaders });
    expect(bad.status).toBe(400);
  });

  it("cancels a pending approval (idempotently); its links then show it cancelled, read-only", async () => {
    const { id, paths } = await h.approvalFor();
    const res = await h.app.request(`/v1/approvals/${id}`, { method: "DELETE", headers: apiHeaders });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "cancelled" });
    const again = await h.app.request(`/v1/approvals/${id}`, { method: "DELETE", headers: apiHeaders });
    expect(again.status).toBe(200);
    const page = await h.app.request(paths[0]!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain("<form");
    expect((await h.submit(paths[0]!, { decision: "approve" })).status).toBe(409);
    await h.forward();
    expect(h.updatesSent()).toHaveLength(0);
  });

  it("refuses to cancel an approval that has its outcome (409)", async () => {
    const { id, paths } = await h.approvalFor();
    expect((await h.submit(paths[1]!, { decision: "approve" })).status).toBe(200);
    const res = await h.app.request(`/v1/approvals/${id}`, { method: "DELETE", headers: apiHeaders });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({
      code: "approval_closed",
      details: { status: "approved" },
    });
  });

  it("answers 404 for an unknown approval", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await h.app.request("/v1/approvals/nope", { method, headers: apiHeaders });
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe("approval_not_found");
    }
  });
});
