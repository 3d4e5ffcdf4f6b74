import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newWait, send } from "./support.js";

const ORIGIN = "https://taskgate.workers.test";

/** The console on Workers: same routes, D1 behind them, the session cookie signed in workerd. */
describe("console inside workerd (D1)", () => {
  it("signs in with the admin key and renders the overview, counting D1's deliveries", async () => {
    const { callbackPath, waitId } = await newWait();
    const accepted = await send("POST", callbackPath, { body: { output: { from: "console test" } } });
    expect(accepted.status).toBe(202);
    await accepted.settled;

    const refused = await SELF.fetch(`${ORIGIN}/console/login`, {
      method: "POST",
      body: new URLSearchParams({ key: "not-the-key" }),
      redirect: "manual",
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("set-cookie")).toBeNull();

    const login = await SELF.fetch(`${ORIGIN}/console/login`, {
      method: "POST",
      body: new URLSearchParams({ key: env.TEST_API_KEY }),
      redirect: "manual",
    });
    expect(login.status).toBe(303);
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(";")[0]!;

    const page = await SELF.fetch(`${ORIGIN}/console`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain("<h1>Overview</h1>");
    expect(html).toMatch(/Delivered<\/span><span class="value">[1-9]/);

    const deliveries = await SELF.fetch(`${ORIGIN}/console/deliveries?status=delivered`, {
      headers: { cookie },
    });
    expect(deliveries.status).toBe(200);
    expect(await deliveries.text()).toContain("delivered");

    // The wait's history, read from D1: registered, the callback, and the attempt CDF accepted,
    // oldest first (with the delivery's entries), and never the callback URL's token.
    const wait = await SELF.fetch(`${ORIGIN}/console/waits/${waitId}`, { headers: { cookie } });
    expect(wait.status).toBe(200);
    const waitHtml = await wait.text();
    const history = waitHtml.slice(waitHtml.indexOf(">History<"));
    const steps = ["Wait registered", "Callback received: COMPLETED", "Attempt 1: CDF accepted the update"];
    const at = steps.map((s) => history.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(waitHtml).not.toContain(callbackPath.split("/").pop()!);
  });
});
