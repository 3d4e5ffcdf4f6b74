import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aDelivery, aWait, describeStoreContract } from "../../../test/contract/store-contract.js";
import { openSqliteStore } from "./sqlite.js";

describeStoreContract("SQLite file (better-sqlite3, WAL)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-store-"));
  const store = await openSqliteStore({ path: join(dir, "nested", "taskgate.db") });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract("SQLite in memory", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  return { store, cleanup: () => store.close() };
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
