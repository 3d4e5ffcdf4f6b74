import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { callbackBody } from "./body.js";
import { startEmulatorChild } from "./emulator-child.js";
import { type GatewayProcess, newGatewaySecrets, startGatewayProcess } from "./gateway.js";
import { delay, installCleanup, makeTempDir } from "./procs.js";
import { summarize } from "./stats.js";
import { registerWaits } from "./waits.js";

/**
 * Seal lag on PostgreSQL with two replicas (issue 12's figure), not part of `npm test`:
 *
 *   node --import tsx bench/seal-lag.ts [--replicas 2] [--rate 50] [--duration 10] [--pg-url URL]
 *
 * Starts the CDF emulator (answering at once) and `--replicas` gateways (`bin/taskgate.js serve`,
 * the built dist/: run `npm run build` first) on one fresh PostgreSQL schema, registers a wait per
 * callback, then sends `--rate` 1 KB callbacks a second for `--duration` seconds, split evenly
 * between the gateways, while the forwarder delivers them. Meanwhile it polls the audit table
 * (`seq > last seen`, every 10 ms) and records when each sealed entry first appears; an entry's
 * seal lag is that moment minus its `at`. Prints p50/p90/p99/max over the entries written during
 * the load and the drain after it, plus the polling interval (the figures' resolution). Adds
 * nothing to the schema. The schema is dropped at the end.
 */
const { values: opts } = parseArgs({
  options: {
    replicas: { type: "string", default: "2" },
    rate: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
    "pg-url": {
      type: "string",
      default: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
    },
  },
});
const REPO = resolve(import.meta.dirname, "..");
const replicas = Number(opts.replicas);
const rate = Number(opts.rate);
const durationSec = Number(opts.duration);
const BODY = callbackBody(1024);

installCleanup();
const logDir = makeTempDir("taskgate-seal-lag-");
const schema = `seal_lag_${process.pid}_${Date.now()}`;
const admin = new pg.Client({ connectionString: opts["pg-url"] });
await admin.connect();
await admin.query(`create schema ${schema}`);
// As in bench/scenarios.ts: the migrator looks for its bookkeeping tables in every schema, so a
// concurrent run's schema could make it skip creating them here.
await admin.query(
  `create table ${schema}.taskgate_migrations (name varchar(255) primary key, timestamp varchar(255) not null);` +
    `create table ${schema}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`,
);
const url = new URL(opts["pg-url"]);
url.searchParams.set("options", `-c search_path=${schema}`);

const emu = await startEmulatorChild({ repo: REPO, logDir });
const gateways: GatewayProcess[] = [];
const watcher = new pg.Client({ connectionString: url.toString() });
try {
  const secrets = newGatewaySecrets();
  // One at a time, so the first one's migration is done before the next starts.
  for (let i = 0; i < replicas; i++) {
    gateways.push(
      await startGatewayProcess({
        repo: REPO,
        cdfUrl: emu.url,
        postgresUrl: url.toString(),
        secrets,
        name: `seal-lag-${i}`,
      }),
    );
  }
  await emu.park(0);
  const total = Math.ceil(rate * durationSec);
  process.stderr.write(`seal-lag: ${replicas} gateways up; registering ${total} waits\n`);
  const paths = await registerWaits({
    gatewayUrl: gateways[0]!.url,
    apiKey: secrets.apiKey,
    taskIds: await emu.executions(total),
  });

  // The watcher: when each sealed position first became visible to another connection.
  await watcher.connect();
  const seenAt = new Map<number, { at: number; seen: number }>();
  const lastSeq = (await watcher.query<{ m: string | null }>("select max(seq) as m from audit")).rows[0]?.m;
  let last = lastSeq === null || lastSeq === undefined ? -1 : Number(lastSeq);
  let polls = 0;
  let watching = true;
  const pollStarted = Date.now();
  const watch = (async () => {
    while (watching) {
      const res = await watcher.query<{ seq: string; at: string }>(
        "select seq, at from audit where seq > $1 order by seq",
        [last],
      );
      const seen = Date.now();
      polls++;
      for (const row of res.rows) {
        const seq = Number(row.seq);
        seenAt.set(seq, { at: Number(row.at), seen });
        if (seq > last) last = seq;
      }
      await delay(10);
    }
  })();

  // Paced sender: `rate` callbacks a second in 20 ms ticks, alternating between the gateways.
  process.stderr.write(`seal-lag: sending ${rate}/s for ${durationSec} s\n`);
  const loadStart = Date.now();
  const statuses: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  const answerMs: number[] = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - loadStart) / 1000) * rate));
    for (; sent < due; sent++) {
      const gw = gateways[sent % replicas]!;
      const sentAt = Date.now();
      inFlight.push(
        fetch(`${gw.url}${paths[sent]}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: BODY,
        }).then(
          async (r) => {
            await r.arrayBuffer();
            answerMs.push(Date.now() - sentAt);
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          },
          () => {
            statuses.error = (statuses.error ?? 0) + 1;
          },
        ),
      );
    }
    await delay(20);
  }
  await Promise.all(inFlight);
  const loadEnd = Date.now();
  const delivered = await emu.waitForUpdates(total, 60_000);
  // Until every entry is sealed (the last forwarding entries included), or 30 s.
  for (const until = Date.now() + 30_000; Date.now() < until; ) {
    const unsealed = await admin.query<{ n: string }>(
      `select count(*) as n from ${schema}.audit where seq is null`,
    );
    if (Number(unsealed.rows[0]?.n) === 0) break;
    await delay(100);
  }
  await delay(200);
  watching = false;
  await watch;
  const unsealed = Number(
    (await admin.query<{ n: string }>(`select count(*) as n from ${schema}.audit where seq is null`)).rows[0]
      ?.n,
  );

  const lags: number[] = [];
  for (const { at, seen } of seenAt.values()) if (at >= loadStart) lags.push(seen - at);
  const s = summarize(lags);
  const answered = summarize(answerMs);
  const round = (x: number) => Math.round(x);
  console.log(
    JSON.stringify(
      {
        replicas,
        rate,
        durationSec,
        callbacks: statuses,
        sendSeconds: +((loadEnd - loadStart) / 1000).toFixed(1),
        callbackAnswerMs: { p50: round(answered.p50), p99: round(answered.p99), max: round(answered.max) },
        forwardedAll: delivered >= 0,
        entriesMeasured: s.n,
        unsealedAtEnd: unsealed,
        sealLagMs: {
          p50: round(s.p50),
          p90: round(s.p90),
          p99: round(s.p99),
          max: round(s.max),
          mean: round(s.mean),
        },
        pollIntervalMs: +((Date.now() - pollStarted) / Math.max(1, polls)).toFixed(1),
        loadAvg1m: +loadavg()[0]!.toFixed(2),
      },
      null,
      2,
    ),
  );
} finally {
  await watcher.end().catch(() => {});
  await Promise.all(gateways.map((g) => g.proc.stop()));
  await emu.proc.stop();
  await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {});
  await admin.end();
}
