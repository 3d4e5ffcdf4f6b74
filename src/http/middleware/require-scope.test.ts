import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { testApp } from "../../../test/support/test-deps.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { TaskgateError } from "../../core/errors.js";
import { DEFAULT_SCOPES, SCOPES, type Scope } from "../../core/scopes.js";
import type { Store } from "../../ports/store.js";

/** Every /v1 management route and the scope it needs (DESIGN.md §4). */
const ROUTES: { method: string; path: string; scope: Scope; body?: string }[] = [
  { method: "POST", path: "/v1/waits", scope: "waits", body: "{}" },
  { method: "GET", path: "/v1/waits", scope: "waits" },
  { method: "GET", path: "/v1/waits/w1", scope: "waits" },
  { method: "DELETE", path: "/v1/waits/w1", scope: "waits" },
  { method: "POST", path: "/v1/approvals", scope: "approvals", body: "{}" },
  { method: "GET", path: "/v1/approvals", scope: "approvals" },
  { method: "GET", path: "/v1/approvals/a1", scope: "approvals" },
  { method: "DELETE", path: "/v1/approvals/a1", scope: "approvals" },
  { method: "GET", path: "/v1/deliveries", scope: "deliveries:read" },
  { method: "GET", path: "/v1/deliveries/d1", scope: "deliveries:read" },
  { method: "POST", path: "/v1/deliveries/d1/replay", scope: "deliveries:replay" },
  { method: "GET", path: "/v1/rejections", scope: "deliveries:read" },
  { method: "GET", path: "/v1/audit?subject=d1", scope: "audit:read" },
];

/**
 * The bearer names the scopes it carries ("scopes:waits,approvals"), so one app serves every
 * caller; the keys themselves are tested in adapters/auth.
 */
describe("requireScope on every /v1 route", () => {
  let store: Store;
  let t: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    t = testApp({
      store,
      cdf: emulatedCdf(clock).cdf,
      clock,
      overrides: {
        authenticate: async (bearer) => {
          if (!bearer.startsWith("scopes:")) throw new TaskgateError("unauthorized", "no");
          const scopes = bearer.slice(7).split(",").filter(Boolean) as Scope[];
          return { kind: "api-key", name: "k", scopes };
        },
      },
    });
  });
  afterEach(() => store.close());

  const call = (route: (typeof ROUTES)[number], scopes: readonly string[]) =>
    t.app.request(route.path, {
      method: route.method,
      headers: { authorization: `Bearer scopes:${scopes.join(",")}`, "content-type": "application/json" },
      ...(route.body === undefined ? {} : { body: route.body }),
    });

  for (const route of ROUTES) {
    it(`${route.method} ${route.path} needs "${route.scope}"`, async () => {
      const others = SCOPES.filter((s) => s !== route.scope && s !== "admin");
      const refused = await call(route, others);
      expect(refused.status).toBe(403);
      const body = (await refused.json()) as { error: { code: string; message: string; details: unknown } };
      expect(body.error.code).toBe("insufficient_scope");
      expect(body.error.message).toContain(`"${route.scope}"`);
      expect(body.error.details).toEqual({ required: route.scope });

      for (const granted of [[route.scope], ["admin"], DEFAULT_SCOPES]) {
        const res = await call(route, granted);
        expect(res.status, `with ${granted.join(",")}`).not.toBe(403);
        expect(res.status).toBeLessThan(500);
      }
    });
  }

  it("refuses a caller with no scopes at all, before the body is looked at", async () => {
    const res = await call({ method: "POST", path: "/v1/waits", scope: "waits", body: "not json" }, []);
    expect(res.status).toBe(403);
  });

  it("still answers 401 first to a caller without credentials", async () => {
    const res = await t.app.request("/v1/deliveries");
    expect(res.status).toBe(401);
  });
});
