import { createHash } from "node:crypto";
import { openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import SqliteDatabase from "better-sqlite3";
import { jwtVerify } from "jose";
import { Kysely, SqliteDialect } from "kysely";
import { createApiAuthenticator } from "../src/adapters/auth/api-auth.js";
import { jsonLogger } from "../src/adapters/runtime/json-logger.js";
import { nodeSha256Hex } from "../src/adapters/runtime/node-sha256.js";
import { systemClock } from "../src/adapters/runtime/system-clock.js";
import { uuid7, uuid7Ids } from "../src/adapters/runtime/uuid7-ids.js";
import { atomicByTransaction } from "../src/adapters/sql/dialect-ops.js";
import { KyselyStore } from "../src/adapters/sql/kysely-store.js";
import { migrateToLatest } from "../src/adapters/sql/migrate.js";
import { deliveryToRow } from "../src/adapters/sql/rows.js";
import type { Database } from "../src/adapters/sql/schema.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { canonicalJson, sha256Hex } from "../src/core/canonical-json.js";
import { TokenSigner } from "../src/core/signed-token.js";
import { createApp } from "../src/http/app.js";
import type { AppDeps } from "../src/http/env.js";
import type { CdfClient } from "../src/ports/cdf-client.js";
import type { Logger } from "../src/ports/logger.js";
import type { DeliveryRecord, Store, WaitRecord } from "../src/ports/store.js";
import { claimOnlyDispatcher } from "../src/services/claim-only-dispatcher.js";
import { DEFAULT_APPROVAL_SETTINGS } from "../src/services/deps.js";
import { Forwarder } from "../src/services/forwarder.js";
import { callbackUrl } from "../src/services/waits.js";
import { callbackBody } from "./body.js";
import { cleanupNow, installCleanup, makeTempDir } from "./procs.js";

/**
 * Where a callback's time goes, in one process with no HTTP and no CDF: each step of the accept
 * path timed on its own (token verify, getWait, the SQLite transaction, recordAttempt, the
 * forwarder's loop queries), next to a cheaper variant of the same step; then the whole app
 * (`app.request`) sequentially and 50 at a time, with and without a forwarder whose CDF answers at
 * once. Diagnostic; not part of `npm run bench`.
 *
 *   node --import tsx bench/accept-path.ts [--sync normal|full] [--n 2000] [--app-only]
 */

const { values } = parseArgs({
  options: {
    sync: { type: "string", default: "normal" },
    n: { type: "string", default: "2000" },
    /** Skip the per-step timings (e.g. to CPU-profile only the whole-app part). */
    "app-only": { type: "boolean", default: false },
  },
});
const SYNC = values.sync === "full" ? "full" : "normal";
const N = Number(values.n);
const BODY = callbackBody(1024);
const BODY_VALUE = JSON.parse(BODY) as { output: Record<string, unknown> };
const SECRET = "s".repeat(48);

const out = (s = "") => process.stdout.write(`${s}\n`);
const row = (name: string, us: number, how: string) =>
  out(`  ${name.padEnd(70)} ${us.toFixed(1).padStart(8)} µs/op  (${Math.round(1e6 / us)}/s, ${how})`);

async function timeEach(name: string, n: number, op: (i: number) => unknown): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const us = ((performance.now() - t) * 1000) / n;
  row(name, us, "sequential");
  return us;
}

async function timeConcurrent(
  name: string,
  n: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await op(next++);
    }),
  );
  const us = ((performance.now() - t) * 1000) / n;
  row(name, us, `${concurrency} at a time`);
  return us;
}

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silent,
};

const clock = systemClock;
const ids = uuid7Ids(clock);
const tokens = new TokenSigner([{ kid: "bench", secret: SECRET }]);

function pragmas(db: SqliteDatabase.Database): void {
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${SYNC === "full" ? "FULL" : "NORMAL"}`);
  db.pragma("busy_timeout = 5000");
}

/** The stock store, as src/adapters/sql/sqlite.ts opens it. */
function stockStore(path: string): Promise<KyselyStore> {
  return openSqliteStore({ path, synchronous: SYNC });
}

/** The same KyselyStore, but better-sqlite3 statements are prepared once per SQL text. */
async function cachedStatementStore(path: string): Promise<KyselyStore> {
  const sqlite = new SqliteDatabase(path);
  pragmas(sqlite);
  const cache = new Map<string, SqliteDatabase.Statement>();
  const database = {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = sqlite.prepare(text);
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db);
  return new KyselyStore(db, { atomic: atomicByTransaction, skipLocked: false });
}

function newWait(): WaitRecord {
  const now = clock.now();
  return {
    id: ids.newId(),
    taskId: crypto.randomUUID(),
    executionId: null,
    taskExternalId: null,
    source: null,
    correlationKey: null,
    status: "open",
    output: null,
    metadata: null,
    createdAt: now,
    expiresAt: now + 3_600_000,
    closedAt: null,
    deliveryId: null,
    resultHash: null,
  };
}

async function makeWaits(store: Store, n: number): Promise<WaitRecord[]> {
  const waits: WaitRecord[] = [];
  for (let i = 0; i < n; i++) {
    const w = newWait();
    await store.createWait(w);
    waits.push(w);
  }
  return waits;
}

function deliveryFor(w: WaitRecord, leaseOwner: string | null): DeliveryRecord {
  const now = clock.now();
  return {
    id: ids.newId(),
    waitId: w.id,
    taskId: w.taskId,
    executionId: null,
    source: null,
    correlationKey: null,
    dedupeKey: null,
    parkUntil: null,
    reason: null,
    status: "pending",
    update: { status: "COMPLETED", output: BODY_VALUE.output },
    resultHash: "0".repeat(64),
    attempts: 0,
    claims: leaseOwner ? 1 : 0,
    nextAttemptAt: now,
    deliverUntil: now + 3_600_000,
    leaseOwner,
    leaseUntil: leaseOwner ? now + 30_000 : null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
  };
}

function delivered(d: DeliveryRecord) {
  const now = clock.now();
  return {
    kind: "delivered" as const,
    attempt: {
      deliveryId: d.id,
      attempt: 1,
      startedAt: now,
      finishedAt: now,
      outcome: "delivered" as const,
      httpStatus: 200,
      requestId: "r",
      error: null,
    },
  };
}

async function storeSteps(label: string, store: Store): Promise<void> {
  await timeEach(`${label}: createWait`, N, () => store.createWait(newWait()));
  const waits = await makeWaits(store, N);
  await timeEach(`${label}: getWait`, N, (i) => store.getWait(waits[i]!.id));
  const leased: DeliveryRecord[] = [];
  await timeEach(`${label}: acceptCallback (tx: UPDATE + INSERT…SELECT)`, N, async (i) => {
    const d = deliveryFor(waits[i]!, "owner");
    leased.push(d);
    await store.acceptCallback({ waitId: d.waitId!, now: clock.now(), delivery: d });
  });
  await timeEach(`${label}: recordAttempt (tx: INSERT…SELECT + UPDATE)`, N, (i) =>
    store.recordAttempt(leased[i]!.id, "owner", clock.now(), delivered(leased[i]!)),
  );
  await timeEach(`${label}: nextDueAt (no pending deliveries)`, N, () => store.nextDueAt());
  await timeEach(`${label}: claimDue (limit 8, nothing due)`, N, () =>
    store.claimDue(clock.now(), "me", 30_000, 8),
  );
}

async function steps(dir: string): Promise<void> {
  out("crypto, ids, logging (per call; a callback verifies its token twice and hashes once):");
  const w0 = newWait();
  const deps0 = { tokens, ids, publicUrl: "http://bench.invalid" } as unknown as AppDeps;
  const token = new URL(await callbackUrl(deps0, w0, clock.now())).pathname.split("/").pop()!;
  await timeEach("TokenSigner.verify (jose, HS256 key as Uint8Array)", N, () =>
    tokens.verify(token, "callback", clock.now()),
  );
  await timeConcurrent("TokenSigner.verify", N, 50, () => tokens.verify(token, "callback", clock.now()));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const verifyWithKey = () =>
    jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: "taskgate",
      audience: "taskgate:callback",
      requiredClaims: ["sub", "exp", "jti"],
    });
  await timeEach("  jwtVerify, same options, key imported once (CryptoKey)", N, verifyWithKey);
  await timeConcurrent("  jwtVerify, key imported once (CryptoKey)", N, 50, verifyWithKey);
  const hashInput = canonicalJson({ status: "COMPLETED", output: BODY_VALUE.output });
  await timeEach("sha256Hex(canonicalJson(body)) (Web Crypto digest)", N, () => sha256Hex(hashInput));
  await timeConcurrent("sha256Hex (Web Crypto digest)", N, 50, () => sha256Hex(hashInput));
  await timeEach("  node:crypto createHash of the same", N, () =>
    createHash("sha256").update(hashInput).digest("hex"),
  );
  await timeEach("ids.newId (uuid7; getRandomValues(10 bytes) per id)", N * 5, () => ids.newId());
  let pool = new Uint8Array(0);
  let at = 0;
  await timeEach("  uuid7 with random bytes drawn from a 4 KB pool", N * 5, () => {
    if (at + 10 > pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(4096));
      at = 0;
    }
    at += 10;
    return uuid7(clock.now(), pool.subarray(at - 10, at));
  });
  const devNull = openSync("/dev/null", "w");
  const logger = jsonLogger({
    level: "info",
    write: (line) => writeSync(devNull, `${line}\n`),
    now: clock.now,
    base: { service: "taskgate" },
  });
  await timeEach("logger.info, one line to /dev/null", N, () =>
    logger.info("callback accepted", { waitId: w0.id, deliveryId: w0.id, taskId: w0.taskId }),
  );

  out();
  out(`store (SQLite WAL, synchronous=${SYNC}; fresh DB each):`);
  const stock = await stockStore(join(dir, "steps-stock.db"));
  await storeSteps("KyselyStore as shipped", stock);
  await stock.close();
  const cached = await cachedStatementStore(join(dir, "steps-cached.db"));
  await storeSteps("  same, statements prepared once", cached);
  await cached.close();

  const rawPath = join(dir, "steps-raw.db");
  const forSchema = await stockStore(rawPath);
  const rawWaits = await makeWaits(forSchema, N);
  await forSchema.close();
  const raw = new SqliteDatabase(rawPath);
  pragmas(raw);
  const cols = Object.keys(deliveryToRow(deliveryFor(w0, null)));
  const close = raw.prepare(
    "update waits set status = 'closed', closed_at = ?, delivery_id = ?, result_hash = ? " +
      "where id = ? and status = 'open' and expires_at > ?",
  );
  const insert = raw.prepare(
    `insert into deliveries (${cols.join(", ")}) select ${cols.map(() => "?").join(", ")} ` +
      "where exists (select 1 from waits where id = ? and delivery_id = ?)",
  );
  const acceptRaw = raw.transaction((d: DeliveryRecord, now: number) => {
    close.run(now, d.id, d.resultHash, d.waitId, now);
    const r = deliveryToRow(d) as Record<string, unknown>;
    insert.run(...cols.map((c) => r[c]), d.waitId, d.id);
  });
  const getRaw = raw.prepare("select * from waits where id = ?");
  await timeEach("  raw better-sqlite3, prepared once: getWait", N, (i) => getRaw.get(rawWaits[i]!.id));
  await timeEach("  raw better-sqlite3, prepared once: the accept transaction", N, (i) =>
    acceptRaw(deliveryFor(rawWaits[i]!, "owner"), clock.now()),
  );
  raw.close();

  out();
  out("forwarder loop queries (run after every forwarded delivery) vs leased pending deliveries:");
  for (const backlog of [0, 1000, 4000]) {
    const store = await stockStore(join(dir, `backlog-${backlog}.db`));
    for (const w of await makeWaits(store, backlog)) {
      await store.acceptCallback({ waitId: w.id, now: clock.now(), delivery: deliveryFor(w, "other") });
    }
    await timeEach(`nextDueAt, ${backlog} leased pending`, 300, () => store.nextDueAt());
    await timeEach(`claimDue(limit 8), ${backlog} leased pending (none claimable)`, 300, () =>
      store.claimDue(clock.now(), "me", 30_000, 8),
    );
    await store.close();
  }
}

async function wholeApp(dir: string): Promise<void> {
  out();
  out("whole app (app.request POST /v1/callbacks/:token, fresh wait each, no HTTP server, fresh DB):");
  const devNull = openSync("/dev/null", "w");
  const fileLogger = jsonLogger({
    level: "info",
    write: (line) => writeSync(devNull, `${line}\n`),
    now: clock.now,
    base: { service: "taskgate" },
  });
  const instantCdf: CdfClient = {
    updateTask: async (taskId, update) => ({
      value: { id: taskId, externalId: "t", status: update.status, output: update.output } as never,
      requestId: "r",
      attempts: 1,
    }),
    retrieveExecution: async () => {
      throw new Error("not used");
    },
  };
  const deps = (store: Store, logger: Logger): AppDeps => ({
    store,
    sha256: nodeSha256Hex,
    cdf: instantCdf,
    clock,
    ids,
    logger,
    tokens,
    publicUrl: "http://bench.invalid",
    waits: { defaultTtlMs: 24 * 3_600_000, maxTtlMs: 7 * 24 * 3_600_000 },
    approvals: DEFAULT_APPROVAL_SETTINGS,
    minRetryWindowMs: 3_600_000,
    dispatcher: claimOnlyDispatcher,
    authenticate: createApiAuthenticator({ keys: [{ name: "b", sha256: "0".repeat(64) }] }, clock),
    bodyLimitBytes: 256 * 1024,
    clientAddress: () => null,
    version: "bench",
  });
  const paths = async (store: Store, n: number) => {
    const d = deps(store, silent);
    const ws = await makeWaits(store, n);
    return Promise.all(ws.map(async (w) => new URL(await callbackUrl(d, w, clock.now())).pathname));
  };
  const post = (app: ReturnType<typeof createApp>, path: string) =>
    Promise.resolve(
      app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: BODY }),
    ).then(async (res) => {
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`callback answered ${res.status}`);
    });

  const store = await stockStore(join(dir, "app.db"));
  for (const [label, logger] of [
    ["no forwarder, silent logger", silent],
    ["no forwarder, info logs to /dev/null", fileLogger],
  ] as const) {
    const app = createApp(deps(store, logger));
    const p1 = await paths(store, N);
    await timeEach(`callback: ${label}`, N, (i) => post(app, p1[i]!));
    const p2 = await paths(store, N);
    await timeConcurrent(`callback: ${label}`, N, 50, (i) => post(app, p2[i]!));
  }
  await store.close();

  // Separate DBs, so each forwarder has nothing left over from the runs above.
  for (const variant of ["stock Forwarder", "kicks coalesced (at most one per 10 ms)"] as const) {
    const fwdStore = await stockStore(join(dir, `fwd-${variant.length}.db`));
    const options = {
      store: fwdStore,
      cdf: instantCdf,
      clock,
      ids,
      logger: fileLogger,
      concurrency: 8,
      leaseMs: 30_000,
      pollIntervalMs: 1_000,
    };
    const forwarder = variant === "stock Forwarder" ? new Forwarder(options) : new CoalescedKicks(options);
    forwarder.start();
    const app = createApp({ ...deps(fwdStore, fileLogger), dispatcher: forwarder });
    const p3 = await paths(fwdStore, N);
    const t = performance.now();
    await timeConcurrent(`callback + forwarder (instant CDF), ${variant}`, N, 50, (i) => post(app, p3[i]!));
    while ((await fwdStore.nextDueAt()) !== undefined) await new Promise((r) => setTimeout(r, 5));
    row("  … until every delivery was forwarded and recorded", ((performance.now() - t) * 1000) / N, "total");
    await forwarder.stop(30_000);
    await fwdStore.close();
  }
}

/**
 * Experiment: the stock forwarder wakes its claim loop (claimDue + nextDueAt, both O(pending))
 * after every finished delivery; this one coalesces those wake-ups.
 */
class CoalescedKicks extends Forwarder {
  private scheduled = false;
  override kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      super.kick();
    }, 10);
  }
}

async function main(): Promise<void> {
  installCleanup();
  const dir = makeTempDir("taskgate-accept-path-");
  out(`accept path, in process (SQLite WAL synchronous=${SYNC}; n=${N}; node ${process.version})`);
  out();
  if (!values["app-only"]) await steps(dir);
  await wholeApp(dir);
}

main().then(
  () => {
    cleanupNow();
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(
      `accept-path failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    cleanupNow();
    process.exit(1);
  },
);
