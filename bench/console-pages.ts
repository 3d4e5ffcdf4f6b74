/**
 * `node --import tsx bench/console-pages.ts [N]`: how long the console's pages take with N
 * deliveries (default 100,000) in a SQLite file. Rows are written straight into the table (one
 * transaction), then each page is rendered through the real app (session cookie and all) a few
 * times; the median per page is printed, with the SQLite query plan of the list queries.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { uuid7 } from "../src/adapters/runtime/uuid7-ids.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { emulatedCdf } from "../test/support/emulated-cdf.js";
import { TestClock } from "../test/support/test-clock.js";
import { TEST_API_KEY, testApp } from "../test/support/test-deps.js";

const N = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "taskgate-console-bench-"));
const path = join(dir, "taskgate.db");
const now = Date.now();

(await openSqliteStore({ path })).close();
const raw = new SqliteDatabase(path);
const insert =
  raw.prepare(`insert into deliveries (id, wait_id, task_id, execution_id, source, correlation_key,
  dedupe_key, park_until, reason, status, update_json, result_hash, attempts, claims, next_attempt_at, deliver_until,
  lease_owner, lease_until, due_at, last_error, last_status, last_request_id, created_at, updated_at, delivered_at)
  values (?, null, ?, null, ?, ?, ?, null, null, ?, ?, 'h', ?, ?, ?, ?, null, null, ?, ?, ?, ?, ?, ?, ?)`);
const started = performance.now();
raw.transaction(() => {
  for (let i = 0; i < N; i++) {
    const at = now - (N - i) * 1_000;
    // 90 % delivered, 5 % dead, 3 % pending, 2 % parked: a busy gateway's history.
    const r = i % 100;
    const status = r < 90 ? "delivered" : r < 95 ? "dead" : r < 98 ? "pending" : "parked";
    insert.run(
      uuid7(at, crypto.getRandomValues(new Uint8Array(10))),
      crypto.randomUUID(),
      i % 3 === 0 ? "github" : "docusign",
      `key-${i}`,
      `msg-${i}`,
      status,
      JSON.stringify({ status: "COMPLETED", output: { i } }),
      status === "pending" ? 0 : 1,
      1,
      at,
      at + 3_600_000,
      at,
      status === "dead" ? "Task execution is not in a state that accepts updates" : null,
      status === "dead" ? 400 : status === "delivered" ? 200 : null,
      status === "pending" ? null : `req-${i}`,
      at,
      at + 80,
      status === "delivered" ? at + 80 : null,
    );
  }
})();
raw.close();
console.log(`seeded ${N.toLocaleString("en")} deliveries in ${Math.round(performance.now() - started)} ms`);

const store = await openSqliteStore({ path });
const clock = new TestClock(now);
const { app } = testApp({ store, cdf: emulatedCdf(clock).cdf, clock });
const login = await app.request("/console/login", {
  method: "POST",
  body: new URLSearchParams({ key: TEST_API_KEY }),
});
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;

async function time(label: string, url: string): Promise<string> {
  const runs: number[] = [];
  let body = "";
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const res = await app.request(url, { headers: { cookie } });
    body = await res.text();
    runs.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} median ${runs[3]!.toFixed(1).padStart(6)} ms   max ${runs[6]!.toFixed(1).padStart(6)} ms`,
  );
  return body;
}

await time("overview", "/console");
const first = await time("deliveries, page 1", "/console/deliveries");
const next = /href="(\/console\/deliveries\?cursor=[^"]+)"/.exec(first)?.[1];
if (next) await time("deliveries, page 2 (cursor)", next.replace(/&amp;/g, "&"));
await time("deliveries ?status=delivered", "/console/deliveries?status=delivered");
await time("deliveries ?status=pending&source", "/console/deliveries?status=pending&source=github");
await time("dead letters", "/console/dead-letters");
await time("parked", "/console/parked");
await time("waits", "/console/waits");

await store.close();
const plans = new SqliteDatabase(path, { readonly: true });
for (const sql of [
  "select * from deliveries where status = 'dead' order by id desc limit 51",
  "select status, count(*) from deliveries group by status",
]) {
  const plan = plans.prepare(`explain query plan ${sql}`).all() as { detail: string }[];
  console.log(`plan: ${sql}\n  ${plan.map((p) => p.detail).join("\n  ")}`);
}
plans.close();
rmSync(dir, { recursive: true, force: true });
