import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuid7 } from "../src/adapters/runtime/uuid7-ids.js";
import { openPostgresStore } from "../src/adapters/sql/postgres.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { runAuditCommand } from "../src/cli/audit-command.js";
import { auditDraft } from "../src/core/audit/entry.js";
import type { Store } from "../src/ports/store.js";
import { purgeAuditBatch } from "../src/services/audit-retention.js";
import { AuditSealer, sealAll } from "../src/services/audit-sealer.js";
import { captureLogger } from "./support/capture-logger.js";
import { tsxArgs } from "./support/tsx.js";

/**
 * Black-box tampering: a real database is edited behind taskgate's back (a field, a deleted row,
 * an inserted row, two rows swapped, a cut tail) and `taskgate audit verify` must name it.
 */

const PG_URL = process.env.TASKGATE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
const SIGNING = "sig-secret-0123456789-0123456789-abcdef";
const N = 10;

function configDoc(storage: Record<string, unknown>) {
  return {
    publicUrl: "https://taskgate.example.com",
    cdf: {
      baseUrl: "https://westeurope-1.cognitedata.com",
      project: "p",
      auth: { type: "token", token: "t" },
    },
    signingKeys: [{ kid: "k1", secret: SIGNING }],
    api: { keys: [{ name: "fn", sha256: "a".repeat(64) }] },
    storage,
  };
}

/** N entries, as the services would write them, sealed. */
async function writeChain(store: Store): Promise<string> {
  for (let i = 0; i < N; i++) {
    await store.audit.append([
      auditDraft({
        id: uuid7(1_770_000_000_000 + i, crypto.getRandomValues(new Uint8Array(10))),
        kind: i % 2 ? "callback.received" : "wait.created",
        at: 1_770_000_000_000 + i,
        actor: "api:fn",
        waitId: `w${i}`,
        data: { ip: "192.0.2.7", n: i },
      }),
    ]);
  }
  await sealAll(store.audit);
  return (await store.audit.head())!.hash;
}

/**
 * The same chain with retention applied: entries 1..4 purged behind a checkpoint (entry 11), so
 * 5..10 and the checkpoint remain and verify from it.
 */
async function writePurgedChain(store: Store): Promise<string> {
  await writeChain(store);
  const now = 1_770_000_100_000;
  const deps = {
    ids: { newId: () => uuid7(now, crypto.getRandomValues(new Uint8Array(10))) },
    clock: { now: () => now },
  };
  expect(await purgeAuditBatch(store.audit, deps, 1_770_000_000_004, 500)).toBe(4);
  return (await store.audit.head())!.hash;
}

async function verify(config: string, head?: string) {
  const out: string[] = [];
  const code = await runAuditCommand({
    sub: "verify",
    config,
    ...(head ? { head } : {}),
    out: (l) => out.push(l),
    err: (l) => out.push(l),
  });
  return { code, text: out.join("\n") };
}

/** The same tampering, whatever the database: each statement is plain SQL both dialects run. */
const TAMPERING: { name: string; sql: string[]; expect: RegExp; needsHead?: boolean }[] = [
  {
    name: "an edited field",
    sql: ["update audit set actor = 'api:mallory' where seq = 4"],
    expect: /BROKEN \(edited\) at entry 4 /,
  },
  {
    name: "a deleted row",
    sql: ["delete from audit where seq = 4"],
    expect: /BROKEN \(deleted\) at entry 5 /,
  },
  {
    name: "an inserted row",
    sql: [
      "update audit set seq = seq + 1000 where seq >= 4",
      "update audit set seq = seq - 999 where seq >= 1004",
      `insert into audit (id, kind, at, actor, wait_id, delivery_id, approval_id, data_json, seq, prev_hash, hash)
       select 'forged', 'wait.cancelled', at, 'api:mallory', wait_id, null, null, '{}', 4, hash, hash from audit where seq = 3`,
    ],
    expect: /BROKEN \(inserted\) at entry 4 \(forged\)/,
  },
  {
    name: "two swapped rows",
    sql: [
      "update audit set seq = -1 where seq = 4",
      "update audit set seq = 4 where seq = 5",
      "update audit set seq = 5 where seq = -1",
    ],
    expect: /BROKEN \(reordered\) at entry 4 /,
  },
  {
    name: "a cut tail",
    sql: ["delete from audit where seq >= 8"],
    expect: /BROKEN \(cut\) at entry 7 /,
    needsHead: true,
  },
];

/** Tampering with a chain purged behind a checkpoint: the checkpoint and what follows it. */
const PURGED_TAMPERING: { name: string; sql: string[]; expect: RegExp }[] = [
  {
    name: "an edited checkpoint (claiming more was purged)",
    sql: [
      `update audit set data_json = replace(data_json, '"throughSeq":4', '"throughSeq":5') where kind = 'audit.checkpoint'`,
    ],
    expect: /BROKEN \(edited\) at entry 11 /,
  },
  {
    name: "the first entry after the checkpoint edited",
    sql: ["update audit set actor = 'api:mallory' where seq = 5"],
    expect: /BROKEN \(edited\) at entry 5 /,
  },
  {
    name: "the first entries after the checkpoint deleted",
    sql: ["delete from audit where seq in (5, 6)"],
    expect: /BROKEN \(deleted\) at entry 7 [^\n]*\n.*entries 5\.\.6 before entry 7/,
  },
  {
    name: "an entry after the checkpoint deleted",
    sql: ["delete from audit where seq = 8"],
    expect: /BROKEN \(deleted\) at entry 9 /,
  },
  {
    name: "the checkpoint deleted",
    sql: ["delete from audit where kind = 'audit.checkpoint'"],
    expect: /BROKEN \(deleted\) at entry 5 [^\n]*\n.*entries 1\.\.4 before entry 5/,
  },
  {
    name: "a purged entry put back",
    sql: [
      `insert into audit (id, kind, at, actor, wait_id, delivery_id, approval_id, data_json, seq, prev_hash, hash)
       select 'forged', kind, at, actor, wait_id, null, null, data_json, 3, prev_hash, prev_hash from audit where seq = 5`,
    ],
    expect: /BROKEN \(inserted\) at entry 3 \(forged\)/,
  },
];

describe("audit verify on a tampered SQLite file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-audit-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const t of TAMPERING) {
    it(`names ${t.name}`, async () => {
      const path = join(dir, `${t.name.replaceAll(" ", "-")}.db`);
      const config = join(dir, `${t.name.replaceAll(" ", "-")}.json`);
      writeFileSync(config, JSON.stringify(configDoc({ kind: "sqlite", path })));
      const store = await openSqliteStore({ path });
      const head = await writeChain(store);
      await store.close();
      expect(await verify(config, head)).toMatchObject({
        code: 0,
        text: expect.stringMatching(/OK: 10 entries/),
      });

      const db = new SqliteDatabase(path);
      for (const s of t.sql) db.exec(s);
      db.close();
      const broken = await verify(config, head);
      expect(broken.code).toBe(1);
      expect(broken.text).toMatch(t.expect);
      if (t.needsHead) expect((await verify(config)).code).toBe(0);
    });
  }

  it("verifies a purged chain from its checkpoint, and retention refuses to purge a broken one", async () => {
    const path = join(dir, "purged.db");
    const config = join(dir, "purged.json");
    writeFileSync(config, JSON.stringify(configDoc({ kind: "sqlite", path })));
    const store = await openSqliteStore({ path });
    const head = await writePurgedChain(store);
    expect(await verify(config, head)).toMatchObject({
      code: 0,
      text: expect.stringMatching(/OK: 7 entries verified from checkpoint at seq 4 in \d+ ms, head 11 /),
    });
    // An edit before the next purge's reach: the purge stops instead of erasing the evidence.
    const db = new SqliteDatabase(path);
    db.exec("update audit set actor = 'api:mallory' where seq = 6");
    db.close();
    const deps = {
      ids: { newId: () => uuid7(Date.now(), crypto.getRandomValues(new Uint8Array(10))) },
      clock: Date,
    };
    await expect(purgeAuditBatch(store.audit, deps, 1_770_000_000_009, 500)).rejects.toThrow(
      /audit retention stopped: the chain is broken: entry 6 .* was edited/,
    );
    expect((await store.audit.readSealed(0, 1))[0]!.seq).toBe(5);
    await store.close();
  });

  for (const t of PURGED_TAMPERING) {
    it(`names ${t.name} in a purged chain`, async () => {
      const path = join(dir, `purged-${t.name.replaceAll(" ", "-")}.db`);
      const config = join(dir, `purged-${t.name.replaceAll(" ", "-")}.json`);
      writeFileSync(config, JSON.stringify(configDoc({ kind: "sqlite", path })));
      const store = await openSqliteStore({ path });
      const head = await writePurgedChain(store);
      await store.close();
      expect((await verify(config, head)).code).toBe(0);
      const db = new SqliteDatabase(path);
      for (const s of t.sql) db.exec(s);
      db.close();
      const broken = await verify(config, head);
      expect(broken.code).toBe(1);
      expect(broken.text).toMatch(t.expect);
    });
  }

  it("runs as the real command: exit 0 intact, 1 broken, 2 on a bad --head", async () => {
    const path = join(dir, "cli.db");
    const config = join(dir, "cli.json");
    writeFileSync(config, JSON.stringify(configDoc({ kind: "sqlite", path })));
    const store = await openSqliteStore({ path });
    const head = await writeChain(store);
    await store.close();
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((done) => {
        const child = spawn(process.execPath, [...tsxArgs("src/cli/main.ts"), ...args], { cwd: dir });
        let stdout = "";
        child.stdout.on("data", (b) => (stdout += b));
        child.on("close", (code) => done({ code, stdout }));
      });
    expect(await run(["audit", "head", "--config", config])).toEqual({ code: 0, stdout: `${head}\n` });
    expect((await run(["audit", "verify", "--config", config, "--head", head])).code).toBe(0);
    expect((await run(["audit", "verify", "--config", config, "--head", "nope"])).code).toBe(2);
    const exported = await run(["audit", "export", "--config", config, "--since", "1770000000005"]);
    expect(
      exported.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).seq),
    ).toEqual([6, 7, 8, 9, 10]);
    const db = new SqliteDatabase(path);
    db.exec('update audit set data_json = \'{"ip":"198.51.100.1","n":2}\' where seq = 3');
    db.close();
    const broken = await run(["audit", "verify", "--config", config]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN \(edited\) at entry 3 /);
  }, 180_000);
});

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

describe.runIf(await pgReachable())("audit on PostgreSQL", () => {
  const schemas: string[] = [];
  const admin = new pg.Client({ connectionString: PG_URL });
  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const s of schemas) await admin.query(`drop schema if exists ${s} cascade`);
    await admin.end();
  });
  const freshSchema = () => {
    const s = `tg_audit_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    schemas.push(s);
    return s;
  };
  const urlFor = (schema: string) => `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

  for (const t of TAMPERING) {
    it(`names ${t.name}`, async () => {
      const schema = freshSchema();
      const dir = mkdtempSync(join(tmpdir(), "taskgate-audit-pg-"));
      const config = join(dir, "c.json");
      writeFileSync(config, JSON.stringify(configDoc({ kind: "postgres", url: urlFor(schema) })));
      const store = await openPostgresStore({ url: PG_URL, schema, poolSize: 2 });
      const head = await writeChain(store);
      await store.close();
      expect((await verify(config, head)).code).toBe(0);
      await admin.query(`set search_path = ${schema}`);
      for (const s of t.sql) await admin.query(s);
      const broken = await verify(config, head);
      expect(broken.code).toBe(1);
      expect(broken.text).toMatch(t.expect);
      rmSync(dir, { recursive: true, force: true });
    });
  }

  for (const t of PURGED_TAMPERING) {
    it(`names ${t.name} in a purged chain`, async () => {
      const schema = freshSchema();
      const dir = mkdtempSync(join(tmpdir(), "taskgate-audit-pg-"));
      const config = join(dir, "c.json");
      writeFileSync(config, JSON.stringify(configDoc({ kind: "postgres", url: urlFor(schema) })));
      const store = await openPostgresStore({ url: PG_URL, schema, poolSize: 2 });
      const head = await writePurgedChain(store);
      await store.close();
      expect(await verify(config, head)).toMatchObject({
        code: 0,
        text: expect.stringMatching(/OK: 7 entries verified from checkpoint at seq 4 /),
      });
      await admin.query(`set search_path = ${schema}`);
      for (const s of t.sql) await admin.query(s);
      const broken = await verify(config, head);
      expect(broken.code).toBe(1);
      expect(broken.text).toMatch(t.expect);
      rmSync(dir, { recursive: true, force: true });
    });
  }

  it("keeps one valid chain with two replicas writing and sealing at once", async () => {
    const schema = freshSchema();
    const replicas = [
      await openPostgresStore({ url: PG_URL, schema, poolSize: 4 }),
      await openPostgresStore({ url: PG_URL, schema, poolSize: 4 }),
    ];
    const sealers = replicas.map((r) => new AuditSealer(r.audit, captureLogger(), 50));
    for (const s of sealers) s.start();
    let maxLag = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { unsealed } = await replicas[0]!.audit.sealWork(1);
        if (unsealed[0]) maxLag = Math.max(maxLag, Date.now() - unsealed[0].at);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const PER = 300;
    await Promise.all(
      replicas.map(async (store, r) => {
        for (let i = 0; i < PER; i += 10) {
          await Promise.all(
            Array.from({ length: 10 }, (_, j) =>
              store.audit.append([
                auditDraft({
                  id: uuid7(Date.now(), crypto.getRandomValues(new Uint8Array(10))),
                  kind: "wait.created",
                  at: Date.now(),
                  actor: `replica:${r}`,
                  data: { i: i + j },
                }),
              ]),
            ),
          );
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    sampling = false;
    await sampler;
    for (const s of sealers) await s.stop();
    const dir = mkdtempSync(join(tmpdir(), "taskgate-audit-pg-"));
    const config = join(dir, "c.json");
    writeFileSync(config, JSON.stringify(configDoc({ kind: "postgres", url: urlFor(schema) })));
    const result = await verify(config);
    expect(result.code).toBe(0);
    expect(result.text).toMatch(new RegExp(`OK: ${2 * PER} entries .* 0 not sealed yet`));
    console.log(`seal lag with two PostgreSQL replicas (sealer every 50 ms): max ${maxLag} ms`);
    for (const r of replicas) await r.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
