import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approvalHarness } from "../../../test/support/approval-harness.js";
import { expireApprovals } from "../../services/approval-decisions.js";
import { PAGE_HEADERS } from "../pages/headers.js";

const HOUR = 3_600_000;

describe("/a/:token approval pages", () => {
  let h: Awaited<ReturnType<typeof approvalHarness>>;
  beforeEach(async () => {
    h = await approvalHarness();
  });
  afterEach(() => h.store.close());

  const cdfUpdates = () =>
    h.updatesSent().map((r) => r.body as { status: string; output: { approval: unknown } });

  it("shows the request with a form, and the page headers of DESIGN §6", async () => {
    const { paths, taskId } = await h.approvalFor({ description: "Promotes **v7**.\n\n- fast\n- safe" });
    const res = await h.app.request(paths[0]!);
    expect(res.status).toBe(200);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).toContain("Deploy model v7");
    expect(html).toContain("<strong>v7</strong>");
    expect(html).toContain(taskId);
    expect(html).toMatch(/<form[^>]+method="post"/);
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="reject"');
    expect(html).not.toContain("<script");
    const css = await h.app.request("/a/assets/page.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it("shows each approver their own email and only the other approvers' names", async () => {
    const { paths } = await h.approvalFor({
      approvers: [
        { email: "ada@example.com", name: "Ada" },
        { email: "bo@example.com", name: "Bo" },
        { email: "cy@example.com" },
      ],
      policy: { kind: "all" },
    });
    const first = await (await h.app.request(paths[0]!)).text();
    expect(first).not.toContain("bo@example.com");
    expect(first).not.toContain("cy@example.com");
    expect(first).toContain("Bo");
    expect(first).toContain("Approver 3");
    const third = await (await h.app.request(paths[2]!)).text();
    expect(third).toContain("cy@example.com");
    expect(third).not.toContain("ada@example.com");
    expect(third).not.toContain("bo@example.com");
  });

  it("changes nothing on GET (five times) and HEAD of every link: mail scanners are safe", async () => {
    const { id, paths } = await h.approvalFor({ policy: { kind: "any" } });
    for (const path of paths) {
      for (let i = 0; i < 5; i++) expect((await h.app.request(path)).status).toBe(200);
      const head = await h.app.request(path, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
    }
    const read = await h.read(id);
    expect(read).toMatchObject({ status: "pending", decisions: [], deliveryId: null });
    await h.forward();
    expect(h.updatesSent()).toHaveLength(0);
  });

  it("any: the first decision decides; CDF gets one COMPLETED update with the decision", async () => {
    const { id, paths, taskId } = await h.approvalFor({ policy: { kind: "any" } });
    const res = await h.submit(
      paths[1]!,
      { decision: "approve", comment: "Looks good" },
      // Workers' reading (what the test app uses): the platform's header, not X-Forwarded-For.
      { "user-agent": "UA/1", "cf-connecting-ip": "203.0.113.9", "x-forwarded-for": "198.51.100.1" },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Approved");
    const read = await h.read(id);
    expect(read).toMatchObject({
      status: "approved",
      decisions: [
        {
          email: "bo@example.com",
          decision: "approve",
          comment: "Looks good",
          userAgent: "UA/1",
          ip: "203.0.113.9",
        },
      ],
    });
    // The other approver's link now shows the outcome, read-only; a late POST is refused.
    const other = await h.app.request(paths[0]!);
    expect(other.status).toBe(200);
    expect(await other.text()).not.toContain("<form");
    expect((await h.submit(paths[0]!, { decision: "reject" })).status).toBe(409);

    await h.forward();
    expect(cdfUpdates()).toEqual([
      {
        status: "COMPLETED",
        output: {
          approval: {
            id,
            outcome: "approved",
            decisions: [
              {
                email: "bo@example.com",
                decision: "approve",
                comment: "Looks good",
                decidedAt: h.clock.now(),
              },
            ],
          },
          taskgate: {
            deliveryId: read.deliveryId,
            source: "approval",
            receivedAt: h.clock.now(),
            approvalId: id,
          },
        },
      },
    ]);
    expect(h.emulator.getTask(taskId)?.status).toBe("COMPLETED");
  });

  it("all: waits for everyone, and carries both decisions to CDF", async () => {
    const { id, paths, taskId } = await h.approvalFor({ policy: { kind: "all" } });
    expect((await h.submit(paths[0]!, { decision: "approve" })).status).toBe(200);
    expect((await h.read(id)).status).toBe("pending");
    await h.forward();
    expect(h.updatesSent()).toHaveLength(0);
    h.clock.advance(1000);
    expect((await h.submit(paths[1]!, { decision: "approve", comment: "ok" })).status).toBe(200);
    await h.forward();
    const [update] = cdfUpdates();
    expect(update?.status).toBe("COMPLETED");
    expect(update?.output.approval).toMatchObject({
      outcome: "approved",
      decisions: [
        { email: "ada@example.com", name: "Ada", decision: "approve" },
        { email: "bo@example.com", decision: "approve", comment: "ok" },
      ],
    });
    expect(h.emulator.getTask(taskId)?.status).toBe("COMPLETED");
    expect(h.updatesSent()).toHaveLength(1);
    expect((await h.read(id)).status).toBe("approved");
  });

  it("all: one rejection rejects at once, sent as FAILED_WITH_TERMINAL_ERROR", async () => {
    const { id, paths, taskId } = await h.approvalFor({ policy: { kind: "all" } });
    await h.submit(paths[1]!, { decision: "reject", comment: "not on a Friday" });
    expect((await h.read(id)).status).toBe("rejected");
    await h.forward();
    expect(cdfUpdates()[0]).toMatchObject({
      status: "FAILED_WITH_TERMINAL_ERROR",
      output: { approval: { outcome: "rejected" } },
    });
    expect(h.emulator.getTask(taskId)?.status).toBe("FAILED_WITH_TERMINAL_ERROR");
  });

  it("onReject complete: a rejection completes the task with outcome rejected", async () => {
    const { paths, taskId } = await h.approvalFor({ onReject: "complete" });
    await h.submit(paths[0]!, { decision: "reject" });
    await h.forward();
    expect(cdfUpdates()[0]).toMatchObject({
      status: "COMPLETED",
      output: { approval: { outcome: "rejected" } },
    });
    expect(h.emulator.getTask(taskId)?.status).toBe("COMPLETED");
  });

  it("quorum 2 of 3: two approvals approve; the third link then shows the outcome", async () => {
    const { id, paths } = await h.approvalFor({
      policy: { kind: "quorum", count: 2 },
      approvers: [{ email: "a@x.co" }, { email: "b@x.co" }, { email: "c@x.co" }],
    });
    await h.submit(paths[0]!, { decision: "reject" });
    await h.submit(paths[2]!, { decision: "approve" });
    expect((await h.read(id)).status).toBe("pending");
    await h.submit(paths[1]!, { decision: "approve" });
    expect((await h.read(id)).status).toBe("approved");
    await h.forward();
    expect(cdfUpdates()).toHaveLength(1);
    expect(cdfUpdates()[0]?.output.approval).toMatchObject({ outcome: "approved" });
  });

  it("replayed POSTs: the same decision again is harmless, a different one is refused", async () => {
    const { id, paths } = await h.approvalFor({ policy: { kind: "all" } });
    expect((await h.submit(paths[0]!, { decision: "approve" })).status).toBe(200);
    const again = await h.submit(paths[0]!, { decision: "approve" });
    expect(again.status).toBe(200);
    expect(await again.text()).not.toContain("<form");
    expect((await h.submit(paths[0]!, { decision: "reject" })).status).toBe(409);
    const read = await h.read(id);
    expect(read.decisions).toHaveLength(1);
    expect(read.decisions[0].decision).toBe("approve");
    // And GET of a decided link shows the decision, without a form.
    const page = await h.app.request(paths[0]!);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("<form");
  });

  describe("refused links", () => {
    it("forged: a changed signature, payload or header is 404, and records nothing", async () => {
      const { id, paths } = await h.approvalFor();
      const [head, payload, sig] = paths[0]!.slice(3).split(".");
      const flip = (s: string) =>
        s.at(-2) === "A" ? `${s.slice(0, -2)}B${s.at(-1)}` : `${s.slice(0, -2)}A${s.at(-1)}`;
      for (const token of [
        `${head}.${payload}.${flip(sig!)}`,
        `${head}.${flip(payload!)}.${sig}`,
        `${flip(head!)}.${payload}.${sig}`,
        "nonsense",
        "a.b.c",
      ]) {
        expect((await h.app.request(`/a/${token}`)).status).toBe(404);
        const post = await h.submit(`/a/${token}`, { decision: "approve" });
        expect(post.status).toBe(404);
        const html = await post.text();
        expect(html).not.toContain("Deploy model v7");
      }
      expect((await h.read(id)).decisions).toEqual([]);
    });

    it("cross-approval, cross-approver, unknown: a validly signed link that names nothing of ours is 404", async () => {
      const a = await h.approvalFor();
      const b = await h.approvalFor();
      const stored = await h.store.approvals.getApproval(a.id);
      const other = await h.store.approvals.getApproval(b.id);
      const sign = (subject: string, apr: string, jti: string) =>
        h.deps.tokens.sign(
          { purpose: "approval", subject, expiresAt: h.clock.now() + HOUR, extra: { apr } },
          h.clock.now(),
          jti,
        );
      const forged = [
        await sign(b.id, "0", stored!.approvers[0]!.tokenId), // A's approver 0 on approval B
        await sign(a.id, "1", stored!.approvers[0]!.tokenId), // approver 0's id as approver 1
        await sign(a.id, "0", other!.approvers[0]!.tokenId), // B's token id on A
        await sign(a.id, "7", stored!.approvers[0]!.tokenId), // no such approver
        await sign(crypto.randomUUID(), "0", stored!.approvers[0]!.tokenId), // no such approval
      ];
      for (const token of forged) {
        expect((await h.app.request(`/a/${token}`)).status).toBe(404);
        expect((await h.submit(`/a/${token}`, { decision: "approve" })).status).toBe(404);
      }
      // A callback URL's token (another purpose) opens nothing here.
      const callback = await h.deps.tokens.sign(
        { purpose: "callback", subject: a.id, expiresAt: h.clock.now() + HOUR },
        h.clock.now(),
        stored!.approvers[0]!.tokenId,
      );
      expect((await h.app.request(`/a/${callback}`)).status).toBe(404);
      expect((await h.read(a.id)).decisions).toEqual([]);
      expect((await h.read(b.id)).decisions).toEqual([]);
    });

    it("a link past its own lifetime is 410 and says it expired", async () => {
      const { paths } = await h.approvalFor({ ttl: "1h" });
      h.clock.advance(HOUR + h.deps.approvals.linkGraceMs + 1);
      const res = await h.app.request(paths[0]!);
      expect(res.status).toBe(410);
      expect((await h.submit(paths[0]!, { decision: "approve" })).status).toBe(410);
    });

    it("cross-site POSTs are refused (403) and record nothing", async () => {
      const { id, paths } = await h.approvalFor();
      const tries: Record<string, string>[] = [
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site" },
        { "sec-fetch-site": "", origin: "https://evil.example" },
      ];
      for (const headers of tries) {
        const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ""));
        const res = await h.app.request(paths[0]!, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...clean },
          body: "decision=approve",
        });
        expect(res.status).toBe(403);
      }
      expect((await h.read(id)).decisions).toEqual([]);
      // Our own page (no-referrer makes the Origin "null"; Sec-Fetch-Site vouches) and non-browsers pass.
      const ok = await h.submit(paths[0]!, { decision: "approve" }, { origin: "null" });
      expect(ok.status).toBe(200);
    });

    it("a malformed form is 400 with the form again, and records nothing", async () => {
      const { id, paths } = await h.approvalFor();
      const bad = await h.submit(paths[0]!, { decision: "maybe", comment: "hmm" });
      expect(bad.status).toBe(400);
      const html = await bad.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain("<form");
      expect((await h.submit(paths[0]!, { decision: "approve", comment: "x".repeat(2001) })).status).toBe(
        400,
      );
      // 700 characters of three bytes each: under the character limit, over 2 KB.
      expect((await h.submit(paths[0]!, { decision: "approve", comment: "€".repeat(700) })).status).toBe(400);
      const json = await h.app.request(paths[0]!, {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
        body: JSON.stringify({ decision: "approve" }),
      });
      expect(json.status).toBe(400);
      const huge = await h.submit(paths[0]!, { decision: "approve", comment: "y".repeat(20_000) });
      expect(huge.status).toBe(413);
      expect((await h.read(id)).decisions).toEqual([]);
    });
  });

  describe("expiry", () => {
    it("an expired approval shows 410, takes no decision, and tells CDF FAILED_WITH_TERMINAL_ERROR", async () => {
      const { id, paths, taskId } = await h.approvalFor({ ttl: "1h" });
      h.clock.advance(HOUR);
      expect((await h.app.request(paths[0]!)).status).toBe(410);
      const late = await h.submit(paths[0]!, { decision: "approve" });
      expect(late.status).toBe(410);
      // The late POST closed it at once rather than waiting for the sweep.
      expect(await h.read(id)).toMatchObject({ status: "expired", decisions: [] });
      expect(await expireApprovals(h.deps, h.clock.now())).toBe(0);
      await h.forward();
      expect(cdfUpdates()).toEqual([
        expect.objectContaining({
          status: "FAILED_WITH_TERMINAL_ERROR",
          output: expect.objectContaining({ approval: { id, outcome: "expired", decisions: [] } }),
        }),
      ]);
      expect(h.emulator.getTask(taskId)?.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    });

    it("the sweep closes expired approvals, keeping the decisions so far; onExpire complete completes", async () => {
      const a = await h.approvalFor({ ttl: "1h", policy: { kind: "all" } });
      const b = await h.approvalFor({ ttl: "2h", onExpire: "complete" });
      await h.submit(a.paths[0]!, { decision: "approve" });
      h.clock.advance(HOUR);
      expect(await expireApprovals(h.deps, h.clock.now())).toBe(1);
      expect((await h.read(b.id)).status).toBe("pending");
      h.clock.advance(HOUR);
      expect(await expireApprovals(h.deps, h.clock.now())).toBe(1);
      await h.forward();
      const byTask = new Map(h.updatesSent().map((r) => [r.path.split("/").at(-2), r.body]));
      expect(byTask.get(a.taskId)).toMatchObject({
        status: "FAILED_WITH_TERMINAL_ERROR",
        output: { approval: { outcome: "expired", decisions: [{ email: "ada@example.com" }] } },
      });
      expect(byTask.get(b.taskId)).toMatchObject({
        status: "COMPLETED",
        output: { approval: { outcome: "expired" } },
      });
    });
  });
});

describe("concurrent decisions on a SQLite file", () => {
  const dir = join(tmpdir(), `taskgate-approvals-${process.pid}`);
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["any", { kind: "any" }],
    ["all", { kind: "all" }],
    ["quorum 3 of 5", { kind: "quorum", count: 3 }],
  ])("%s: every approver at once → one outcome, one delivery, one CDF update", async (_, policy) => {
    const h = await approvalHarness({ path: join(dir, `${Math.random()}.db`) });
    try {
      for (let round = 0; round < 5; round++) {
        const approvers = Array.from({ length: 5 }, (_, i) => ({ email: `p${i}@x.co` }));
        const { id, paths } = await h.approvalFor({ policy, approvers });
        const decisions = paths.map((_, i) => ((i + round) % 3 === 0 ? "reject" : "approve"));
        const results = await Promise.all(paths.map((p, i) => h.submit(p, { decision: decisions[i]! })));
        for (const r of results) expect([200, 409]).toContain(r.status);
        const read = await h.read(id);
        expect(["approved", "rejected"]).toContain(read.status);
        const deliveries = await h.store.listDeliveries({ limit: 100 });
        expect(
          deliveries.items.filter(
            (d) => d.update.output?.approval && (d.update.output.approval as { id: string }).id === id,
          ),
        ).toHaveLength(1);
        // The recorded decisions, in their serialised order, reach exactly the recorded outcome.
        const { outcomeOf } = await import("../../core/approval-policy.js");
        expect(outcomeOf(policy as never, 5, read.decisions)).toBe(read.status);
        expect(outcomeOf(policy as never, 5, read.decisions.slice(0, -1))).toBeNull();
      }
      await h.forward();
      expect(h.updatesSent()).toHaveLength(5);
    } finally {
      await h.store.close();
    }
  });
});
