import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { json } from "../../../test/support/json.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";

describe("local mode's Host check (DNS rebinding)", () => {
  let store: KyselyStore;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ":memory:" });
  });
  afterEach(() => store.close());

  const appWith = (loopbackHostsOnly: boolean) => {
    const clock = new TestClock();
    return testApp({ store, cdf: emulatedCdf(clock).cdf, clock, overrides: { loopbackHostsOnly } }).app;
  };

  it.each(["localhost:8080", "taskgate.localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"])(
    "answers Host %s",
    async (host) => {
      const res = await appWith(true).request("http://x/healthz", { headers: { host } });
      expect(res.status).toBe(200);
    },
  );

  it.each(["attacker.example:8080", "127.0.0.1.nip.io", "localhost.evil.com", "10.0.0.1"])(
    "refuses Host %s with 421 misdirected_request, on every route",
    async (host) => {
      const app = appWith(true);
      for (const path of ["/healthz", "/console", "/v1/waits", "/emulator/x"]) {
        const res = await app.request(`http://x${path}`, { headers: { host } });
        expect(res.status, path).toBe(421);
        expect(await json(res)).toMatchObject({ error: { code: "misdirected_request" } });
      }
    },
  );

  it("without the Host header, goes by the URL's host (in-process calls)", async () => {
    const app = appWith(true);
    expect((await app.request("http://taskgate.localhost/healthz")).status).toBe(200);
    expect((await app.request("http://rebound.example/healthz")).status).toBe(421);
  });

  it("outside local mode any Host is answered (the operator's proxy decides)", async () => {
    const res = await appWith(false).request("http://x/healthz", {
      headers: { host: "taskgate.example.com" },
    });
    expect(res.status).toBe(200);
  });
});
