import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aDelivery, aWait, newId, T0 } from "../../../test/contract/store-fixtures.js";
import { tsxArgs } from "../../../test/support/tsx.js";
import { entryHash, linkEntries } from "../../core/audit/chain.js";
import { type AuditDraft, auditDraft, GENESIS_HASH } from "../../core/audit/entry.js";
import { verifyChain } from "../../core/audit/verify.js";
import { sealAll, sealedEntries, verifyAudit } from "../../services/audit-sealer.js";
import type { KyselyStore } from "./kysely-store.js";
import { openSqliteStore } from "./sqlite.js";

const entry = (over: Partial<AuditDraft> = {}): AuditDraft =>
  auditDraft({ id: newId(), kind: "wait.created", at: T0, actor: "api:test", ...over });

/** SQLite links each audit entry into the chain in the transaction that writes it. */
describe("SQLite: audit entries linked as they are written", () => {
  let dir: string;
  let path: string;
  let store: KyselyStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-audit-link-"));
    path = join(dir, "taskgate.db");
    store = await openSqliteStore({ path });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes each entry sealed, in the order of the writes, with no sealer", async () => {
    // Ids out of order: the chain follows the writes, not the ids.
    const [a, b, c] = [entry(), entry(), entry()];
    await store.audit.append([c]);
    await store.audit.append([a, b]);
    expect(await store.audit.countUnsealed()).toBe(0);
    const chain = await store.audit.readSealed(0, 10);
    expect(chain.map((e) => [e.seq, e.id])).toEqual([
      [1, c.id],
      [2, a.id],
      [3, b.id],
    ]);
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chain[0]!.hash).toBe(await entryHash(GENESIS_HASH, c));
    expect(chain[2]!.prevHash).toBe(chain[1]!.hash);
    expect(await store.audit.head()).toEqual({ seq: 3, hash: chain[2]!.hash });
    expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 3 });
    expect(await sealAll(store.audit)).toBe(0);
  });

  it("moves the head only when the change is written: a refused callback leaves no gap", async () => {
    const w = aWait();
    await store.createWait(w, [entry({ waitId: w.id })]);
    const first = aDelivery(w);
    const received = (d: typeof first) => [
      entry({ kind: "callback.received", waitId: w.id, deliveryId: d.id }),
    ];
    await store.acceptCallback({ waitId: w.id, now: T0 + 1, delivery: first, audit: received(first) });
    const refused = aDelivery(w, { contentHash: "other" });
    const result = await store.acceptCallback({
      waitId: w.id,
      now: T0 + 2,
      delivery: refused,
      audit: received(refused),
    });
    expect(result.kind).toBe("closed");
    await store.audit.append([entry()]);
    const chain = await store.audit.readSealed(0, 10);
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(chain.some((e) => e.deliveryId === refused.id)).toBe(false);
    expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 3 });
  });

  it("keeps the chain whole when a step fails inside a shared commit", async () => {
    const taken = entry();
    await store.audit.append([taken]);
    // Requested in one turn of the event loop: one transaction, one savepoint per step.
    const [before, failed, after] = await Promise.allSettled([
      store.audit.append([entry(), entry()]),
      store.audit.append([entry(), { ...entry(), id: taken.id }]),
      store.audit.append([entry()]),
    ]);
    expect([before.status, failed.status, after.status]).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const chain = await store.audit.readSealed(0, 10);
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 4 });
  });

  it("seals entries an older version left unsealed after the ones it linked", async () => {
    await store.close();
    const older = await openSqliteStore({ path, linkAuditOnWrite: false });
    const left = [entry(), entry(), entry()];
    await older.audit.append(left);
    await older.close();
    store = await openSqliteStore({ path });
    await store.audit.append([entry(), entry()]);
    expect(await store.audit.countUnsealed()).toBe(3);
    // A seal computed against a stale head still lands at the end of the chain.
    const work = await store.audit.sealWork(10);
    await store.audit.append([entry()]);
    expect(await store.audit.writeSeals(await linkEntries(work.head, work.unsealed))).toBe(3);
    expect(await store.audit.countUnsealed()).toBe(0);
    const chain = await store.audit.readSealed(0, 10);
    expect(chain.slice(3).map((e) => e.id)).toEqual(left.map((e) => e.id));
    expect(await verifyAudit(store.audit)).toMatchObject({ verdict: { ok: true, count: 6 }, unsealed: 0 });
  });

  it("links a purge's checkpoint after the head it finds, so a busy chain cannot starve retention", async () => {
    await store.audit.append(Array.from({ length: 4 }, (_, i) => entry({ at: T0 + i })));
    const [, second] = await store.audit.readSealed(0, 2);
    const staleHead = (await store.audit.head())!;
    const [checkpoint] = await linkEntries(staleHead, [
      entry({
        kind: "audit.checkpoint",
        actor: "system",
        data: { throughSeq: 2, throughHash: second!.hash, purged: 2, before: T0 + 9 },
      }),
    ]);
    // Writes went on after the purge read the head.
    await store.audit.append([entry(), entry()]);
    // A `through` that is not in place still purges nothing.
    expect(await store.audit.purgeThrough({ seq: 2, hash: "f".repeat(64) }, checkpoint!)).toBe(0);
    expect(await store.audit.purgeThrough({ seq: 2, hash: second!.hash }, checkpoint!)).toBe(2);
    expect(await store.audit.latestCheckpoint()).toMatchObject({ id: checkpoint!.id, seq: 7 });
    expect(await verifyAudit(store.audit)).toMatchObject({
      verdict: { ok: true, count: 5, head: { seq: 7 } },
      from: { seq: 2, hash: second!.hash },
    });
  });

  it("keeps one chain while two more processes write to the same file", async () => {
    const run = promisify(execFile);
    const writer = (tag: string) =>
      run(process.execPath, [...tsxArgs("test/support/audit-writer.ts"), path, "300", tag], {
        timeout: 60_000,
      });
    const ours = (async () => {
      for (let i = 0; i < 100; i++)
        await Promise.all([store.audit.append([entry()]), store.audit.append([entry()])]);
    })();
    const [one, two] = await Promise.all([writer("one"), writer("two"), ours]);
    expect([one.stdout, two.stdout]).toEqual(["done\n", "done\n"]);
    expect(await verifyAudit(store.audit)).toMatchObject({ verdict: { ok: true, count: 800 }, unsealed: 0 });
  }, 90_000);
});
