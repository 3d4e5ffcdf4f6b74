import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { uuid7 } from "../src/adapters/runtime/uuid7-ids.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { linkEntries } from "../src/core/audit/chain.js";
import { auditDraft, type ChainHead } from "../src/core/audit/entry.js";
import { verifyAudit } from "../src/services/audit-sealer.js";

/**
 * `node --import tsx scripts/audit-verify-bench.ts [COUNT]`: writes COUNT (default 1,000,000)
 * sealed audit entries straight into a fresh SQLite file, then times `audit verify` over them.
 */
const count = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "taskgate-audit-bench-"));
const path = join(dir, "audit.db");
try {
  (await openSqliteStore({ path })).close();
  const db = new SqliteDatabase(path);
  const insert = db.prepare(
    `insert into audit (id, kind, at, actor, wait_id, delivery_id, approval_id, data_json, seq, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const t0 = Date.now();
  let head: ChainHead | null = null;
  for (let done = 0; done < count; done += 10_000) {
    const drafts = Array.from({ length: Math.min(10_000, count - done) }, (_, i) =>
      auditDraft({
        id: uuid7(1_770_000_000_000 + done + i, crypto.getRandomValues(new Uint8Array(10))),
        kind: "delivery.attempt",
        at: 1_770_000_000_000 + done + i,
        actor: "forwarder",
        deliveryId: `d${done + i}`,
        data: { attempt: 1, cdfStatus: 503, cdfRequestId: "req-abc", durationMs: 42 },
      }),
    );
    const sealed = await linkEntries(head, drafts);
    db.transaction(() => {
      for (const e of sealed) {
        insert.run(
          e.id,
          e.kind,
          e.at,
          e.actor,
          e.waitId,
          e.deliveryId,
          e.approvalId,
          JSON.stringify(e.data),
          e.seq,
          e.prevHash,
          e.hash,
        );
      }
    })();
    const last = sealed.at(-1)!;
    head = { seq: last.seq, hash: last.hash };
  }
  db.close();
  console.log(`wrote ${count} sealed entries in ${Date.now() - t0} ms`);
  const store = await openSqliteStore({ path });
  const t1 = Date.now();
  const { verdict } = await verifyAudit(store.audit, { head: head!.hash });
  console.log(
    `audit verify: ${verdict.ok ? "OK" : "BROKEN"}, ${verdict.count} entries in ${Date.now() - t1} ms`,
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
