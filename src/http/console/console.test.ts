import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { DEFAULT_SCOPES } from "../../core/scopes.js";
import type { Emulator } from "../../emulator/emulator.js";
import type { Principal } from "../../ports/authenticate.js";
import { sealAll } from "../../services/audit-sealer.js";
import { OneTimeSignIn } from "./one-time-sign-in.js";
import { SESSION_TTL_MS } from "./session.js";

const api = { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" };
const COOKIE = "__Host-taskgate_console";

/**
 * The console without a browser: sign-in and its refusals, every view, and each action with its
 * refusals (no session, no or a foreign CSRF token, another site, wrong state), checking that a
 * refused action changed nothing in the store.
 */
describe("/console", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let clock: TestClock;
  let t: ReturnType<typeof testApp>;

  beforeEach(async () => {
    // Audit entries written unsealed (as on PostgreSQL and D1), so pages show both states.
    store = await openSqliteStore({ path: ":memory:", linkAuditOnWrite: false });
    clock = new TestClock();
    const e = emulatedCdf(clock);
    emulator = e.emulator;
    t = testApp({ store, cdf: e.cdf, clock });
  });
  afterEach(() => store.close());

  interface Session {
    cookie: string;
    csrf: string;
  }

  async function signIn(key = TEST_API_KEY): Promise<Session> {
    const res = await t.app.request("/console/login", { method: "POST", body: new URLSearchParams({ key }) });
    expect(res.status).toBe(303);
    const setCookie = res.headers.get("set-cookie") ?? "";
    const cookie = setCookie.split(";")[0]!;
    const page = await get({ cookie, csrf: "" }, "/console");
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    expect(csrf).toBeTruthy();
    return { cookie, csrf: csrf! };
  }

  const get = (s: Session | undefined, path: string) =>
    t.app.request(path, { headers: s ? { cookie: s.cookie } : {} });

  const post = (
    s: Session | undefined,
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    t.app.request(path, {
      method: "POST",
      headers: { ...(s ? { cookie: s.cookie } : {}), ...headers },
      body: new URLSearchParams(form),
    });

  async function openWait(
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; callbackUrl: string; taskId: string }> {
    const taskId = emulator.createExecution().executedTasks[0]!.id;
    const res = await t.app.request("/v1/waits", {
      method: "POST",
      headers: api,
      body: JSON.stringify({ taskId, ...extra }),
    });
    expect(res.status).toBe(201);
    return { ...((await res.json()) as { id: string; callbackUrl: string }), taskId };
  }

  /** A callback CDF refuses for good (400 on the update, nothing to reconcile with): a dead letter. */
  async function deadLetter(): Promise<string> {
    const wait = await openWait();
    const res = await t.app.request(new URL(wait.callbackUrl).pathname, {
      method: "POST",
      headers: api,
      body: "{}",
    });
    expect(res.status).toBe(202);
    const { deliveryId } = (await res.json()) as { deliveryId: string };
    emulator.faults.add({
      path: "/workflows/tasks/",
      status: 400,
      message: "Task is in a bad state",
      times: 0,
    });
    await forwardOnce(t.deps);
    emulator.faults.clear();
    expect((await store.getDelivery(deliveryId))?.status).toBe("dead");
    return deliveryId;
  }

  describe("sign-in", () => {
    it("sends a visitor without a session to the sign-in page", async () => {
      const res = await get(undefined, "/console/deliveries");
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/console/login");
      const login = await get(undefined, "/console/login");
      expect(login.status).toBe(200);
      expect(login.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(login.headers.get("referrer-policy")).toBe("no-referrer");
      expect(await login.text()).toContain('type="password"');
    });

    it("sets a signed, HttpOnly, SameSite=Strict, Secure session cookie that expires", async () => {
      const res = await t.app.request("/console/login", {
        method: "POST",
        body: new URLSearchParams({ key: TEST_API_KEY }),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/console");
      const cookie = res.headers.get("set-cookie") ?? "";
      expect(cookie.startsWith(`${COOKIE}=`)).toBe(true);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/Secure/i);
      expect(cookie).toMatch(/Max-Age=43200/);
      expect(cookie).not.toContain(TEST_API_KEY);
    });

    it("refuses a wrong key with 401 and sets no cookie", async () => {
      const res = await t.app.request("/console/login", {
        method: "POST",
        body: new URLSearchParams({ key: "nope" }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("That key is not valid");
    });

    it("refuses a key without the admin scope with 403", async () => {
      const scoped: Principal = { kind: "api-key", name: "fn", scopes: ["waits"] };
      t = testApp({ store, cdf: t.deps.cdf, clock, overrides: { authenticate: async () => scoped } });
      const res = await t.app.request("/console/login", {
        method: "POST",
        body: new URLSearchParams({ key: "k" }),
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("does not have the admin scope");
    });

    it("refuses a key configured without scopes (every scope but admin) and accepts one with admin", async () => {
      t = testApp({
        store,
        cdf: t.deps.cdf,
        clock,
        overrides: { authenticate: async () => ({ kind: "api-key", name: "fn", scopes: DEFAULT_SCOPES }) },
      });
      let res = await t.app.request("/console/login", {
        method: "POST",
        body: new URLSearchParams({ key: "a.b.c" }),
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Add &quot;admin&quot; to its &quot;scopes&quot;");
      const admin: Principal = { kind: "api-key", name: "ops", scopes: ["admin"] };
      t = testApp({ store, cdf: t.deps.cdf, clock, overrides: { authenticate: async () => admin } });
      res = await t.app.request("/console/login", {
        method: "POST",
        body: new URLSearchParams({ key: "k" }),
      });
      expect(res.status).toBe(303);
    });

    it("refuses a sign-in form posted from another site", async () => {
      const res = await t.app.request("/console/login", {
        method: "POST",
        headers: { "sec-fetch-site": "cross-site" },
        body: new URLSearchParams({ key: TEST_API_KEY }),
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    });

    it("ends the session after 12 hours, and ignores a forged cookie", async () => {
      const s = await signIn();
      expect((await get(s, "/console")).status).toBe(200);
      const forged = { ...s, cookie: `${s.cookie.slice(0, -4)}AAAA` };
      expect((await get(forged, "/console")).status).toBe(303);
      clock.advance(SESSION_TTL_MS + 1000);
      expect((await get(s, "/console")).status).toBe(303);
    });

    it("signs out with the CSRF token only, and clears the cookie", async () => {
      const s = await signIn();
      expect((await post(s, "/console/logout", { csrf: "wrong" })).status).toBe(403);
      const res = await post(s, "/console/logout", { csrf: s.csrf });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/console/login?out=1");
      expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    });

    it("local mode: a one-time link signs in once, and only in this process", async () => {
      const signIn = new OneTimeSignIn(t.deps, "local");
      t = testApp({ store, cdf: t.deps.cdf, clock, overrides: { console: { signIn } } });
      const link = await signIn.issue();
      const first = await t.app.request(link);
      expect(first.status).toBe(303);
      expect(first.headers.get("set-cookie")).toContain(COOKIE);
      const again = await t.app.request(link);
      expect(again.status).toBe(401);
      expect(again.headers.get("set-cookie")).toBeNull();
      const earlierRun = await new OneTimeSignIn(t.deps, "local").issue();
      expect((await t.app.request(earlierRun)).status).toBe(401);
      const stale = await signIn.issue();
      clock.advance(16 * 60_000);
      expect((await t.app.request(stale)).status).toBe(401);
    });

    it("has no sign-in links outside local mode", async () => {
      expect((await t.app.request("/console/login/anything")).status).toBe(404);
    });
  });

  describe("views", () => {
    it("renders every view, signed in, with the console's headers", async () => {
      const s = await signIn();
      const dead = await deadLetter();
      const wait = await openWait({ source: "demo", correlationKey: "k-1" });
      const approval = await t.app.request("/v1/approvals", {
        method: "POST",
        headers: api,
        body: JSON.stringify({
          taskId: emulator.createExecution().executedTasks[0]!.id,
          title: "Restart <pump>",
          approvers: [{ email: "ada@example.test", name: "Ada" }],
          policy: { kind: "any" },
        }),
      });
      const { id: approvalId } = (await approval.json()) as { id: string };
      const pages = [
        ["/console", "Overview"],
        ["/console/waits", "Waits"],
        [`/console/waits/${wait.id}`, wait.taskId],
        ["/console/waits?status=open&source=demo&correlationKey=k-1", wait.id.slice(-12)],
        ["/console/approvals", "Restart &lt;pump&gt;"],
        [`/console/approvals/${approvalId}`, "Ada"],
        ["/console/deliveries", dead.slice(-12)],
        [`/console/deliveries/${dead}`, "Task is in a bad state"],
        ["/console/dead-letters", "Replay all that match"],
        ["/console/parked", "Nothing parked"],
        ["/console/rejections", "Rejected requests"],
        ["/console/mail", "Mail outbox"],
      ] as const;
      for (const [path, expected] of pages) {
        const res = await get(s, path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get("content-security-policy"), path).not.toContain("unsafe-inline");
        expect(res.headers.get("cache-control"), path).toBe("no-store");
        const body = await res.text();
        expect(body, path).toContain(expected);
        expect(body, path).not.toContain("<script>");
      }
    });

    it("lists rejected requests with filters, and says what to do when there are none", async () => {
      const s = await signIn();
      let body = await (await get(s, "/console/rejections")).text();
      expect(body).toContain("The rejected-request log is off");
      t.deps.rejections = { record: async () => {} };
      body = await (await get(s, "/console/rejections")).text();
      expect(body).toContain("No request has been refused");
      const at = clock.now() - 120_000;
      const row = (n: number, over: Record<string, unknown>) => ({
        id: `0190c1b2-0000-7000-8000-00000000000${n}`,
        at,
        route: "hook" as const,
        source: "github",
        code: "signature_invalid" as const,
        status: 401,
        clientIp: "203.0.113.7",
        userAgent: "GitHub-Hookshot/<b>",
        headerNames: ["content-type", "x-hub-signature-256"],
        bodySize: 2048,
        bodySha256: "c".repeat(64),
        ...over,
      });
      await store.rejections.insertRejections([
        row(1, {}),
        row(2, { route: "callback", source: null, code: "token_invalid", bodySize: null, bodySha256: null }),
      ]);
      body = await (await get(s, "/console/rejections")).text();
      expect(body).toContain("signature_invalid");
      expect(body).toContain("token_invalid");
      expect(body).toContain("203.0.113.7");
      expect(body).toContain("GitHub-Hookshot/&lt;b&gt;");
      expect(body).toContain("2.0 KB");
      body = await (await get(s, "/console/rejections?code=token_invalid")).text();
      expect(body).toContain("token_invalid</span>");
      expect(body).not.toContain("signature_invalid</span>");
      expect(body).toContain('href="/console/rejections"');
      body = await (await get(s, "/console/rejections?source=stripe")).text();
      expect(body).toContain("No rejected request matches these filters");
      expect((await get(s, "/console/rejections?cursor=nope")).status).toBe(400);
    });

    it("shows a delivery's attempts with CDF's status and request id", async () => {
      const s = await signIn();
      const dead = await deadLetter();
      const [attempt] = await store.listAttempts(dead);
      const body = await (await get(s, `/console/deliveries/${dead}`)).text();
      expect(body).toContain(">400<");
      expect(attempt?.requestId).toBeTruthy();
      expect(body).toContain(attempt!.requestId!);
      expect(body).toContain("&quot;status&quot;: &quot;COMPLETED&quot;");
    });

    /** Each of `words` appears in `body`, in this order. */
    const expectInOrder = (body: string, words: readonly string[]) => {
      let at = -1;
      for (const w of words) {
        const next = body.indexOf(w, at + 1);
        expect(next, `"${w}" after position ${at}`).toBeGreaterThan(at);
        at = next;
      }
    };

    it("shows a wait's and its delivery's history, oldest first: attempts, an operator replay, seals", async () => {
      const s = await signIn();
      const wait = await openWait({ source: "demo", correlationKey: "k-history" });
      const token = new URL(wait.callbackUrl).pathname.split("/").pop()!;
      const cb = await t.app.request(new URL(wait.callbackUrl).pathname, {
        method: "POST",
        headers: api,
        body: JSON.stringify({ output: { ticket: 7 } }),
      });
      const { deliveryId } = (await cb.json()) as { deliveryId: string };
      emulator.faults.add({ path: "/workflows/tasks/", status: 503, message: "CDF is busy", times: 0 });
      await forwardOnce(t.deps);
      emulator.faults.clear();
      expect((await store.getDelivery(deliveryId))?.status).toBe("pending");
      clock.advance(10 * 60_000);
      await forwardOnce(t.deps);
      expect((await store.getDelivery(deliveryId))?.status).toBe("delivered");
      expect(await sealAll(store.audit)).toBe(4);
      // Replayed after the seal (CDF refuses it: the task is completed already): the replay and its
      // attempt are not sealed yet.
      expect((await post(s, `/console/deliveries/${deliveryId}/replay`, { csrf: s.csrf })).status).toBe(303);
      await forwardOnce(t.deps);
      const attempts = await store.listAttempts(deliveryId);
      expect(attempts.map((a) => a.httpStatus)).toEqual([503, 200, 400]);

      const waitPage = await (await get(s, `/console/waits/${wait.id}`)).text();
      const history = waitPage.slice(waitPage.indexOf(">History<"));
      expectInOrder(history, [
        "Wait registered",
        "sealed #1",
        "Callback received: COMPLETED",
        'by <span class="mono">callback</span>',
        "Attempt 1 failed; it will be retried",
        "<dd>503</dd>",
        attempts[0]!.requestId!,
        "CDF is busy",
        "Attempt 2: CDF accepted the update",
        "sealed #4",
        attempts[1]!.requestId!,
        "Replayed by an operator",
        "operator:tests",
        "not sealed yet",
        "Attempt 3: given up (dead letter)",
        "not sealed yet",
        // CDF refuses a second update of a completed task: its words are shown, escaped.
        "Task &#39;await-callback&#39;",
      ]);
      // The delivery's entries link to it from the wait's page; nothing secret is shown.
      expect(history).toContain(`href="/console/deliveries/${deliveryId}"`);
      expect(waitPage).not.toContain(token);
      expect(waitPage).not.toContain("&quot;ticket&quot;");

      const deliveryPage = await (await get(s, `/console/deliveries/${deliveryId}`)).text();
      const own = deliveryPage.slice(deliveryPage.indexOf(">History<"));
      expectInOrder(own, ["Callback received", "Attempt 1 failed", "Attempt 2", "Replayed", "Attempt 3"]);
      expect(own).not.toContain("Wait registered");
      expect(own).toContain(`href="/console/waits/${wait.id}"`);
      expect(own).not.toContain(`href="/console/deliveries/${deliveryId}"`);
    });

    it("shows an approval's history: creation, each decision with who, where from and why, and the outcome sent", async () => {
      const s = await signIn();
      const res = await t.app.request("/v1/approvals", {
        method: "POST",
        headers: api,
        body: JSON.stringify({
          taskId: emulator.createExecution().executedTasks[0]!.id,
          title: "Restart pump",
          approvers: [{ email: "ada@example.test" }, { email: "bo@example.test" }],
          policy: { kind: "all" },
        }),
      });
      const { id, links } = (await res.json()) as { id: string; links: { url: string }[] };
      const decide = (i: number, comment: string, ip: string) =>
        t.app.request(new URL(links[i]!.url).pathname, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "sec-fetch-site": "same-origin",
            "cf-connecting-ip": ip,
            "user-agent": "Browser/1",
          },
          body: new URLSearchParams({ decision: "approve", comment }),
        });
      expect((await decide(1, "Trend <b>normal</b>", "203.0.113.9")).status).toBe(200);
      let page = await (await get(s, `/console/approvals/${id}`)).text();
      expectInOrder(page.slice(page.indexOf(">History<")), ["Approval created", "bo@example.test approved"]);
      expect(page).not.toContain("Approval closed");
      expect((await decide(0, "ok", "198.51.100.4")).status).toBe(200);
      await forwardOnce(t.deps);
      const approval = await store.approvals.getApproval(id);
      expect(approval?.status).toBe("approved");
      page = await (await get(s, `/console/approvals/${id}`)).text();
      expectInOrder(page.slice(page.indexOf(">History<")), [
        "Approval created",
        "ada@example.test, bo@example.test",
        "bo@example.test approved",
        "Trend &lt;b&gt;normal&lt;/b&gt;",
        "203.0.113.9",
        "Browser/1",
        "ada@example.test approved",
        "198.51.100.4",
        "Approval closed: approved",
        "Attempt 1: CDF accepted the update",
      ]);
      expect(page).not.toContain(new URL(links[0]!.url).pathname);
      expect(page).toContain(`href="/console/deliveries/${approval!.deliveryId}"`);
    });

    it("answers a bad filter with a 400 page and an unknown id with a 404 page", async () => {
      const s = await signIn();
      expect((await get(s, "/console/waits?status=bogus")).status).toBe(400);
      expect((await get(s, "/console/deliveries?cursor=x'or'1")).status).toBe(400);
      const missing = await get(s, "/console/deliveries/0190c0de-0000-7000-8000-000000000000");
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toContain("text/html");
    });

    it("pages lists with a cursor that keeps the filters", async () => {
      const s = await signIn();
      for (let i = 0; i < 52; i++) {
        await openWait({ source: "pager", correlationKey: `c-${i}` });
        clock.advance(1);
      }
      const first = await (await get(s, "/console/waits?source=pager")).text();
      const next = /href="(\/console\/waits\?[^"]*cursor=[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, "&");
      expect(next).toContain("source=pager");
      const second = await (await get(s, next!)).text();
      expect(second).toContain("2 shown");
    });
  });

  describe("actions", () => {
    it("replays a dead letter with the session's CSRF token, and records who did it", async () => {
      const s = await signIn();
      const dead = await deadLetter();
      const res = await post(s, `/console/deliveries/${dead}/replay`, {
        csrf: s.csrf,
        back: "/console/dead-letters",
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/console/dead-letters?done=replayed");
      expect((await store.getDelivery(dead))?.status).toBe("pending");
      expect(
        t.logger.entries.some(
          (l) => l.msg === "operator action" && l.fields.by === "tests" && l.fields.action === "replay",
        ),
      ).toBe(true);
      await forwardOnce(t.deps);
      expect((await store.getDelivery(dead))?.status).toBe("delivered");
    });

    it("refuses a replay without a session (401), without or with a foreign CSRF token (403), or from another site", async () => {
      const s = await signIn();
      const other = await signIn();
      const dead = await deadLetter();
      const path = `/console/deliveries/${dead}/replay`;
      expect((await post(undefined, path, { csrf: s.csrf })).status).toBe(401);
      expect((await post(s, path, {})).status).toBe(403);
      expect((await post(s, path, { csrf: other.csrf })).status).toBe(403);
      expect((await post(s, path, { csrf: `${s.csrf}x` })).status).toBe(403);
      expect((await post(s, path, { csrf: s.csrf }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
      const refused = await post(s, path, {});
      expect(await refused.text()).toContain("csrf_invalid");
      expect((await store.getDelivery(dead))?.status).toBe("dead");
    });

    it("refuses to replay what is not replayable (409) or unknown (404)", async () => {
      const s = await signIn();
      const wait = await openWait();
      const cb = await t.app.request(new URL(wait.callbackUrl).pathname, {
        method: "POST",
        headers: api,
        body: "{}",
      });
      const { deliveryId } = (await cb.json()) as { deliveryId: string };
      expect((await post(s, `/console/deliveries/${deliveryId}/replay`, { csrf: s.csrf })).status).toBe(409);
      expect(
        (await post(s, "/console/deliveries/0190c0de-0000-7000-8000-000000000000/replay", { csrf: s.csrf }))
          .status,
      ).toBe(404);
      expect((await post(s, "/console/deliveries/bad%20id/replay", { csrf: s.csrf })).status).toBe(400);
    });

    it("replays dead letters in bulk by source", async () => {
      const s = await signIn();
      const a = await deadLetter();
      const b = await deadLetter();
      expect((await post(s, "/console/dead-letters/replay", { csrf: "x" })).status).toBe(403);
      expect((await store.getDelivery(a))?.status).toBe("dead");
      const res = await post(s, "/console/dead-letters/replay", { csrf: s.csrf, source: "" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/console/dead-letters?done=replayed_bulk&n=2");
      expect((await store.getDelivery(a))?.status).toBe("pending");
      expect((await store.getDelivery(b))?.status).toBe("pending");
      const none = await post(s, "/console/dead-letters/replay", { csrf: s.csrf, source: "other" });
      expect(none.headers.get("location")).toContain("n=0");
    });

    it("cancels an open wait (again is a no-op)", async () => {
      const s = await signIn();
      const wait = await openWait();
      expect((await post(s, `/console/waits/${wait.id}/cancel`, { csrf: "" })).status).toBe(403);
      expect((await store.getWait(wait.id))?.status).toBe("open");
      expect((await post(s, `/console/waits/${wait.id}/cancel`, { csrf: s.csrf })).status).toBe(303);
      expect((await store.getWait(wait.id))?.status).toBe("cancelled");
      expect((await post(s, `/console/waits/${wait.id}/cancel`, { csrf: s.csrf })).status).toBe(303);
      expect((await store.getWait(wait.id))?.status).toBe("cancelled");
    });

    it("completes or fails a task by hand through the outbox, and CDF gets the update", async () => {
      const s = await signIn();
      const wait = await openWait();
      const bad = await post(s, `/console/waits/${wait.id}/resolve`, { csrf: s.csrf, status: "DONE" });
      expect(bad.status).toBe(400);
      const long = await post(s, `/console/waits/${wait.id}/resolve`, {
        csrf: s.csrf,
        status: "FAILED",
        reason: "x".repeat(2049),
      });
      expect(long.status).toBe(400);
      expect((await store.getWait(wait.id))?.status).toBe("open");
      const res = await post(s, `/console/waits/${wait.id}/resolve`, {
        csrf: s.csrf,
        status: "FAILED",
        reason: "sensor broken",
      });
      expect(res.status).toBe(303);
      const closed = await store.getWait(wait.id);
      expect(closed?.status).toBe("closed");
      const delivery = await store.getDelivery(closed!.deliveryId!);
      expect(delivery?.update).toMatchObject({ status: "FAILED", output: { reason: "sensor broken" } });
      await forwardOnce(t.deps);
      expect((await store.getDelivery(delivery!.id))?.status).toBe("delivered");
      expect(
        (await post(s, `/console/waits/${wait.id}/resolve`, { csrf: s.csrf, status: "COMPLETED" })).status,
      ).toBe(409);
    });

    it("cancels a pending approval (again is a no-op); refuses unknown ids", async () => {
      const s = await signIn();
      const res = await t.app.request("/v1/approvals", {
        method: "POST",
        headers: api,
        body: JSON.stringify({
          taskId: emulator.createExecution().executedTasks[0]!.id,
          title: "Go?",
          approvers: [{ email: "a@example.test" }],
          policy: { kind: "any" },
        }),
      });
      const { id } = (await res.json()) as { id: string };
      expect((await post(s, `/console/approvals/${id}/cancel`, { csrf: "no" })).status).toBe(403);
      expect((await store.approvals.getApproval(id))?.status).toBe("pending");
      expect((await post(s, `/console/approvals/${id}/cancel`, { csrf: s.csrf })).status).toBe(303);
      expect((await store.approvals.getApproval(id))?.status).toBe("cancelled");
      expect((await post(s, `/console/approvals/${id}/cancel`, { csrf: s.csrf })).status).toBe(303);
      expect(
        (await post(s, "/console/approvals/0190c0de-0000-7000-8000-000000000000/cancel", { csrf: s.csrf }))
          .status,
      ).toBe(404);
    });

    it("refuses to resend an unknown mail (404)", async () => {
      const s = await signIn();
      expect(
        (await post(s, "/console/mails/0190c0de-0000-7000-8000-000000000000/resend", { csrf: s.csrf }))
          .status,
      ).toBe(404);
    });
  });
});
