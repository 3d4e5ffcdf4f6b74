/**
 * The flood figure of issue 12: N ignored webhooks (default 100,000) stored the way POST
 * /hooks/:source stores them (metadata and body hash, no body), and N rejected webhooks (bad
 * signatures) written to the rejected-request log through its writer (services/rejection-log.ts:
 * multi-row batches, trimmed to `rejections.maxRows`), both eight days old; then retention applied
 * as the purge job does (batches of `retention.batch`). Prints the SQLite file's size before, after
 * the flood and after the purge, its live pages, and what a second flood of the same size does to
 * the file (freed pages are reused, so it stays bounded).
 * Run: node --import tsx bench/retention-flood.ts [N]
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { jsonLogger } from "../src/adapters/runtime/json-logger.js";
import { systemClock } from "../src/adapters/runtime/system-clock.js";
import { uuid7, uuid7Ids } from "../src/adapters/runtime/uuid7-ids.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { RejectionsSchema } from "../src/config/rejections-schema.js";
import { RetentionSchema } from "../src/config/retention-schema.js";
import type { Clock } from "../src/ports/clock.js";
import type { DeliveryRecord, Store } from "../src/ports/store.js";
import { RejectionLog } from "../src/services/rejection-log.js";
import { purgeSteps, runPurge } from "../src/services/retention.js";

const N = Number(process.argv[2] ?? 100_000);
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "taskgate-flood-"));
const path = join(dir, "taskgate.db");
const retention = RetentionSchema.parse({});
const rejections = RejectionsSchema.parse({});

function ignored(at: number): DeliveryRecord {
  const body = randomBytes(600).toString("base64"); // a typical provider payload; only its hash is kept
  const hash = createHash("sha256").update(body).digest("hex");
  return {
    id: uuid7(at, randomBytes(10)),
    waitId: null,
    taskId: null,
    executionId: null,
    source: "github",
    correlationKey: `repo/pull/${at % 10_000}`,
    dedupeKey: `sha256:${hash}`,
    parkUntil: null,
    reason: "status evaluated to null",
    status: "ignored",
    update: { status: "COMPLETED", output: {} },
    contentHash: hash,
    attempts: 0,
    claims: 0,
    nextAttemptAt: at,
    deliverUntil: at,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: at,
    updatedAt: at,
    deliveredAt: null,
  };
}

async function flood(store: Store, at: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const d = ignored(at + i);
    await store.receiveWebhook({ delivery: d, waitId: null, now: d.createdAt });
  }
  return performance.now() - started;
}

/**
 * N bad-signature webhooks through the rejected-request log, as the HTTP layer records them
 * (a 1 KB body read and hashed, header names only), its clock set `at` onwards. Each full batch is
 * awaited, as a flood slower than the writer would be, so none is dropped.
 */
async function floodRejections(store: Store, at: number): Promise<{ ms: number; written: number }> {
  let t = at;
  const clock: Clock = { now: () => t++, sleep: systemClock.sleep };
  const log = new RejectionLog(
    {
      store: store.rejections,
      clock,
      ids: uuid7Ids(clock),
      logger: jsonLogger({ level: "error", write: () => {}, now: Date.now }),
    },
    { maxRows: rejections.maxRows },
  );
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const body = randomBytes(768).toString("base64");
    const recorded = log.record({
      route: "hook",
      source: "github",
      code: "signature_invalid",
      status: 401,
      clientIp: `203.0.113.${i % 250}`,
      userAgent: "GitHub-Hookshot/044aadd",
      headerNames: [
        "host",
        "content-type",
        "content-length",
        "x-github-event",
        "x-github-delivery",
        "x-hub-signature-256",
      ],
      bodySize: body.length,
      bodySha256: createHash("sha256").update(body).digest("hex"),
    });
    if ((i + 1) % 200 === 0) await recorded;
  }
  await log.close();
  return { ms: performance.now() - started, written: log.stats.written };
}

function size(): { fileMB: string; liveMB: string; freePages: number } {
  const db = new Database(path);
  db.pragma("wal_checkpoint(TRUNCATE)");
  const pageSize = Number(db.pragma("page_size", { simple: true }));
  const pages = Number(db.pragma("page_count", { simple: true }));
  const free = Number(db.pragma("freelist_count", { simple: true }));
  db.close();
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  return { fileMB: mb(statSync(path).size), liveMB: mb((pages - free) * pageSize), freePages: free };
}

const now = Date.now();
const store = await openSqliteStore({ path });
try {
  const empty = size();
  const floodMs = await flood(store, now - 8 * DAY);
  const rejected = await floodRejections(store, now - 8 * DAY);
  const flooded = size();
  const steps = purgeSteps(store, retention, { ids: uuid7Ids(systemClock), clock: systemClock });
  const purgeStarted = performance.now();
  const reports = await runPurge(steps, now, { batch: retention.batch });
  const purgeMs = performance.now() - purgeStarted;
  const purged = size();
  await flood(store, now - 8 * DAY + N);
  await floodRejections(store, now - 8 * DAY + N);
  const again = size();
  const deleted = (kind: string) => reports.find((r) => r.kind === kind)?.count ?? 0;
  console.log(
    JSON.stringify(
      {
        ignoredWebhooks: N,
        floodSeconds: +(floodMs / 1000).toFixed(1),
        rejectedWebhooks: rejected.written,
        rejectionFloodSeconds: +(rejected.ms / 1000).toFixed(1),
        empty,
        afterFlood: flooded,
        purge: {
          ignored: deleted("ignored"),
          rejections: deleted("rejections"),
          seconds: +(purgeMs / 1000).toFixed(1),
          batch: retention.batch,
        },
        afterPurge: purged,
        afterSecondFlood: again,
      },
      null,
      2,
    ),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
