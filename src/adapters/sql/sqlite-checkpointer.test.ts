import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { aWait } from "../../../test/contract/store-fixtures.js";
import type { KyselyStore } from "./kysely-store.js";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite.js";

const PAGE = 4096;
const dirs: string[] = [];
const stores: KyselyStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(backgroundCheckpoints?: SqliteStoreOptions["backgroundCheckpoints"]) {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-checkpoint-"));
  dirs.push(dir);
  const path = join(dir, "taskgate.db");
  const store = await openSqliteStore({ path, backgroundCheckpoints });
  stores.push(store);
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  return {
    store,
    path,
    dir,
    dbBytes: () => size(path),
    walBytes: () => size(`${path}-wal`),
  };
}

/** Waits of ~3 KB each, 50 per group commit: about a WAL frame per wait. */
async function writeWaits(store: KyselyStore, n: number): Promise<void> {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, () =>
        store.createWait(aWait({ metadata: { note: "x".repeat(3000) } })),
      ),
    );
  }
}

async function until(what: string, holds: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const neverFails = (error: Error) => {
  throw new Error(`unexpected checkpoint failure: ${error.message}`);
};

describe("SQLite checkpoints on their own thread", () => {
  it("a commit that takes the WAL past 1,000 frames checkpoints inline without the thread", async () => {
    const db = await open();
    const before = db.dbBytes();
    await writeWaits(db.store, 1500);
    // The commit past SQLite's 1,000-frame autocheckpoint copied the WAL into the file itself.
    expect(db.dbBytes()).toBeGreaterThan(before + 1000 * PAGE);
  });

  it("with the thread, commits leave the WAL to it, and it copies the WAL into the file", async () => {
    // A thread that waits a minute between checkpoints: whatever the file gains meanwhile was
    // copied by a commit.
    const idle = await open({ intervalMs: 60_000, onFailure: neverFails });
    const idleBefore = idle.dbBytes();
    await writeWaits(idle.store, 1500);
    expect(idle.dbBytes()).toBe(idleBefore);
    expect(idle.walBytes()).toBeGreaterThan(1500 * PAGE);

    const busy = await open({ intervalMs: 20, onFailure: neverFails });
    const busyBefore = busy.dbBytes();
    await writeWaits(busy.store, 1500);
    await until(
      "the thread has copied the waits into the file",
      () => busy.dbBytes() > busyBefore + 1400 * PAGE,
    );
  });

  it("restarts a WAL that steady writes would otherwise grow without end", async () => {
    const db = await open({ intervalMs: 10, restartFrames: 200, onFailure: neverFails });
    let largest = 0;
    // Never a pause for the thread to catch up in: the next group commit starts as one ends.
    for (let round = 0; round < 100; round++) {
      await writeWaits(db.store, 50);
      largest = Math.max(largest, db.walBytes());
    }
    // 5,000 frames written; the WAL file never held more than half of them (~700 seen).
    expect(largest).toBeLessThan(2500 * PAGE);
  });

  it("does not hold the writer off for a long read elsewhere: commits stay quick while it reads", async () => {
    const db = await open({ intervalMs: 10, restartFrames: 200, onFailure: neverFails });
    await writeWaits(db.store, 300); // the WAL is past restartFrames from here on
    // A long read transaction on another connection (the CLI exporting, say): the WAL cannot
    // restart while it reads, and a RESTART waits for it with the writer lock held.
    const reader = new SqliteDatabase(db.path);
    try {
      reader.exec("begin");
      reader.prepare("select count(*) from waits").get();
      let slowest = 0;
      const until = Date.now() + 1_000;
      while (Date.now() < until) {
        const started = performance.now();
        await writeWaits(db.store, 10);
        slowest = Math.max(slowest, performance.now() - started);
      }
      // Each group commit of ten waits takes a few milliseconds; one held off by a RESTART
      // waiting on the reader would take its busy timeout.
      expect(slowest).toBeLessThan(400);
    } finally {
      reader.exec("commit");
      reader.close();
    }
  });

  it("closing the store ends the thread, and the last connection removes the WAL", async () => {
    const db = await open({ intervalMs: 20, onFailure: neverFails });
    await writeWaits(db.store, 200);
    stores.splice(stores.indexOf(db.store), 1);
    await db.store.close();
    expect(existsSync(`${db.path}-wal`)).toBe(false);
    const again = await open({ intervalMs: 20, onFailure: neverFails });
    expect(again.dbBytes()).toBeGreaterThan(0);
  });

  it("a thread that cannot start leaves the commits checkpointing inline", async () => {
    const failures: Error[] = [];
    const db = await open({
      sqliteModule: "/nonexistent/better-sqlite3.js",
      onFailure: (e) => failures.push(e),
    });
    expect(failures.map((e) => e.message)).toEqual([
      expect.stringContaining("the checkpoint thread could not open the database"),
    ]);
    const before = db.dbBytes();
    await writeWaits(db.store, 1500);
    expect(db.dbBytes()).toBeGreaterThan(before + 1000 * PAGE);
  });

  it("a thread whose checkpoint fails hands checkpointing back to the commits", async () => {
    const failures: Error[] = [];
    const fixtures = mkdtempSync(join(tmpdir(), "taskgate-checkpoint-module-"));
    dirs.push(fixtures);
    const broken = join(fixtures, "broken-sqlite.cjs");
    // Opens fine (so the writer stops checkpointing), then every checkpoint is an I/O error.
    writeFileSync(
      broken,
      `module.exports = class {
        pragma(source) {
          if (source.startsWith("wal_checkpoint")) throw Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" });
        }
        close() {}
      };`,
    );
    const db = await open({ intervalMs: 10, sqliteModule: broken, onFailure: (e) => failures.push(e) });
    await until("the failure is reported", () => failures.length > 0);
    expect(failures.map((e) => e.message)).toEqual([expect.stringContaining("disk I/O error")]);
    const before = db.dbBytes();
    await writeWaits(db.store, 1500);
    expect(db.dbBytes()).toBeGreaterThan(before + 1000 * PAGE);
  });
});
