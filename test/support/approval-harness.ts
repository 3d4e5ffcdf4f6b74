import type { KyselyStore } from "../../src/adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../src/adapters/sql/sqlite.js";
import type { Emulator } from "../../src/emulator/emulator.js";
import type { AppDeps } from "../../src/http/env.js";
import { emulatedCdf } from "./emulated-cdf.js";
import { json, type LooseJson } from "./json.js";
import { TestClock } from "./test-clock.js";
import { forwardOnce, TEST_API_KEY, testApp } from "./test-deps.js";

export const apiHeaders = { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" };

/**
 * An app on a real SQLite store with the CDF emulator behind the real client, for approval
 * tests: create approvals through the API, open and submit their links, run the forwarder.
 */
export async function approvalHarness(o: { path?: string; overrides?: Partial<AppDeps> } = {}) {
  const store: KyselyStore = await openSqliteStore({ path: o.path ?? ":memory:" });
  const clock = new TestClock();
  const { emulator, cdf } = emulatedCdf(clock);
  const t = testApp({ store, cdf, clock, ...(o.overrides ? { overrides: o.overrides } : {}) });

  const create = async (body: Record<string, unknown>) => {
    const res = await t.app.request("/v1/approvals", {
      method: "POST",
      headers: apiHeaders,
      body: JSON.stringify(body),
    });
    return { res, body: (await json(res)) as LooseJson };
  };

  /** Creates an approval for a fresh IN_PROGRESS task; returns it and each link's path. */
  const approvalFor = async (body: Record<string, unknown> = {}) => {
    const taskId = (emulator as Emulator).createExecution().executedTasks[0]!.id;
    const { res, body: created } = await create({
      taskId,
      title: "Deploy model v7",
      approvers: [{ email: "ada@example.com", name: "Ada" }, { email: "bo@example.com" }],
      ...body,
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(created)}`);
    const paths = (created.links as { url: string }[]).map((l) => new URL(l.url).pathname);
    return { taskId, id: created.id as string, created, paths };
  };

  const submit = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.request(path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "same-origin",
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });

  const read = async (id: string) =>
    (await json(await t.app.request(`/v1/approvals/${id}`, { headers: apiHeaders }))) as LooseJson;

  const forward = () => forwardOnce(t.deps);

  const updatesSent = () => emulator.requests.filter((r) => r.path.endsWith("/update"));

  return { ...t, store, emulator, create, approvalFor, submit, read, forward, updatesSent };
}
