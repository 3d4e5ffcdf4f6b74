import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { aDelivery, aWait, describeStoreContract } from "../../../test/contract/store-contract.js";
import { anAttempt } from "../../../test/contract/store-fixtures.js";
import { configureConnection, openSqliteStore } from "./sqlite.js";

describeStoreContract(
  "SQLite file (better-sqlite3, WAL)",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "taskgate-store-"));
    const store = await openSqliteStore({ path: join(dir, "nested", "taskgate.db") });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { auditLinksOnWrite: true },
);

// In memory, audit entries are written unsealed for the sealer (as on PostgreSQL and D1), so the
// sealer's cases run on SQLite too; on a file they are linked as they are written (the default).
describeStoreContract("SQLite in memory, audit sealed by the sealer", async () => {
  const store = await openSqliteStore({ path: ":memory:", linkAuditOnWrite: false });
  return { store, cleanup: () => store.close() };
});

describe("SQLite connection settings", () => {
  function settingsOf(options: Parameters<typeof configureConnection>[1]) {
    const dir = mkdtempSync(join(tmpdir(), "taskgate-pragmas-"));
    const sqlite = new SqliteDatabase(join(dir, "t.db"));
    try {
      configureConnection(sqlite, options);
      return {
        journal: sqlite.pragma("journal_mode", { simple: true }),
        synchronous: sqlite.pragma("synchronous", { simple: true }),
        cacheSize: sqlite.pragma("cache_size", { simple: true }),
        busyTimeout: sqlite.pragma("busy_timeout", { simple: true }),
      };
    } finally {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("uses WAL, synchronous=NORMAL and a 4 MiB page cache by default, not better-sqlite3's 16 MiB", () => {
    const fresh = new SqliteDatabase(":memory:");
    expect(fresh.pragma("cache_size", { simple: true })).toBe(-16000); // what we override
    fresh.close();
    expect(settingsOf({})).toEqual({ journal: "wal", synchronous: 1, cacheSize: -4096, busyTimeout: 5000 });
  });

  it("takes the durability and the cache size it is given", () => {
    expect(settingsOf({ synchronous: "full", cacheMb: 64 })).toMatchObject({
      synchronous: 2,
      cacheSize: -65536,
    });
  });
});

describe("SQLite store on disk", () => {
  it("keeps what it accepted across a reopen, and migrating twice is harmless", async () => {
    const dir = mkdtempSync(join(tmpdir(), "taskgate-store-"));
    const path = join(dir, "t.db");
    try {
      const first = await openSqliteStore({ path, synchronous: "full" });
      const wait = aWait();
      await first.createWait(wait);
      const delivery = aDelivery(wait);
      await first.acceptCallback({ waitId: wait.id, now: wait.createdAt + 1, delivery });
      await first.close();
      const second = await openSqliteStore({ path });
      expect(await second.getDelivery(delivery.id)).toEqual(delivery);
      expect((await second.getWait(wait.id))?.status).toBe("closed");
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SQLite leases after a crash", () => {
  it("releases the leases of an earlier process when the gateway opens the file, and only then", async () => {
    const dir = mkdtempSync(join(tmpdir(), "taskgate-store-"));
    const path = join(dir, "t.db");
    try {
      const crashed = await openSqliteStore({ path });
      const wait = aWait();
      await crashed.createWait(wait);
      const delivery = aDelivery(wait);
      const now = wait.createdAt + 1;
      await crashed.acceptCallback({ waitId: wait.id, now, delivery });
      const [held] = await crashed.claimDue(now, "old-owner", 60_000, 10);
      expect(held?.id).toBe(delivery.id);
      await crashed.close();

      // A tool opening the file beside a running gateway leaves the lease alone.
      const tool = await openSqliteStore({ path });
      expect(await tool.claimDue(now + 1, "tool", 60_000, 10)).toEqual([]);
      await tool.close();

      const restarted = await openSqliteStore({ path, releaseLeasesAtStart: true });
      const [resumed] = await restarted.claimDue(now + 1, "new-owner", 60_000, 10);
      expect(resumed?.id).toBe(delivery.id);
      // Fencing: the old owner can no longer record an outcome for it.
      const late = { kind: "delivered" as const, attempt: anAttempt(delivery) };
      expect(await restarted.recordAttempt(delivery.id, "old-owner", now + 2, late)).toBe(false);
      expect((await restarted.getDelivery(delivery.id))?.status).toBe("pending");
      await restarted.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
