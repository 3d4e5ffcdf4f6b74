/**
 * The verify figure of issue 12: N sealed audit entries (default 1,000,000) written straight into
 * a SQLite file (hashed here exactly as the sealer hashes them, then inserted in one transaction),
 * then the real `taskgate audit verify --config FILE` run over it as a child process. Prints the
 * time to write, the file size, verify's own figure and its wall time (with start-up).
 *
 *   node --import tsx bench/audit-verify.ts [N]
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { uuid7 } from "../src/adapters/runtime/uuid7-ids.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { entryContent } from "../src/core/audit/chain.js";
import { auditDraft, GENESIS_HASH } from "../src/core/audit/entry.js";

const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "taskgate-audit-verify-"));
const path = join(dir, "taskgate.db");
const config = join(dir, "taskgate.config.json");
writeFileSync(
  config,
  JSON.stringify({
    publicUrl: "https://taskgate.example.com",
    cdf: { baseUrl: "https://example.cognitedata.com", project: "p", auth: { type: "token", token: "t" } },
    signingKeys: [{ kid: "k", secret: "s".repeat(40) }],
    api: { keys: [{ name: "k", sha256: "0".repeat(64) }] },
    storage: { kind: "sqlite", path },
  }),
);

try {
  (await openSqliteStore({ path })).close(); // the schema, by the real migrations
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const insert = db.prepare(
    `insert into audit (id, kind, at, actor, wait_id, delivery_id, approval_id, data_json, seq, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const started = performance.now();
  const t0 = Date.now() - N;
  let prev = GENESIS_HASH;
  const write = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = t0 + i;
      // A typical mix: a callback's received entry and a forwarding attempt's.
      const e = auditDraft({
        id: uuid7(at, randomBytes(10)),
        kind: i % 2 ? "delivery.delivered" : "callback.received",
        at,
        actor: i % 2 ? "forwarder" : "callback",
        waitId: uuid7(at, randomBytes(10)),
        deliveryId: uuid7(at, randomBytes(10)),
        data:
          i % 2
            ? { attempt: 1, cdfStatus: 200, cdfRequestId: randomBytes(8).toString("hex"), durationMs: 41 }
            : {
                status: "COMPLETED",
                bodySha256: randomBytes(32).toString("hex"),
                ip: "192.0.2.7",
                userAgent: "lims/2.1",
              },
      });
      const hash = createHash("sha256")
        .update(prev + entryContent(e))
        .digest("hex");
      insert.run(
        e.id,
        e.kind,
        e.at,
        e.actor,
        e.waitId,
        e.deliveryId,
        null,
        JSON.stringify(e.data),
        i + 1,
        prev,
        hash,
      );
      prev = hash;
    }
  });
  for (let i = 0; i < N; i += 50_000) write(i, Math.min(N, i + 50_000));
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  const writeSeconds = (performance.now() - started) / 1000;

  const cli = resolve(import.meta.dirname, "../src/cli/main.ts");
  const verifyStarted = performance.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", cli, "audit", "verify", "--config", config], {
    cwd: resolve(import.meta.dirname, ".."),
    encoding: "utf8",
  });
  const wallSeconds = (performance.now() - verifyStarted) / 1000;
  if (run.status !== 0) throw new Error(`audit verify exited ${run.status}: ${run.stdout}${run.stderr}`);
  const ms = Number(/verified in (\d+) ms/.exec(run.stdout)?.[1] ?? Number.NaN);
  console.log(
    JSON.stringify(
      {
        entries: N,
        writeSeconds: +writeSeconds.toFixed(1),
        fileMB: +(statSync(path).size / 1_048_576).toFixed(1),
        verifySeconds: +(ms / 1000).toFixed(1),
        verifyWallSeconds: +wallSeconds.toFixed(1),
        entriesPerSecond: Math.round(N / (ms / 1000)),
        output: run.stdout.trim(),
      },
      null,
      2,
    ),
  );
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
