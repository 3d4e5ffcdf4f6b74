import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import type { WaitRecord } from "../../src/ports/store-records.js";
import { accepted, aWait, T0 } from "./store-fixtures.js";

/** The store contract for waits: registration, conflicts, listing, cancel and sweep. */
export function describeWaitsContract(current: () => Store): void {
  describe("waits", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("stores and reads back every field", async () => {
      const wait = aWait({
        executionId: crypto.randomUUID(),
        taskExternalId: "await-approval",
        source: "github",
        correlationKey: "run-42",
        output: { template: { a: [1, 2] } },
        metadata: { team: "ops" },
      });
      expect(await store.createWait(wait)).toBe(true);
      expect(await store.getWait(wait.id)).toEqual(wait);
      expect(await store.getWait("nope")).toBeUndefined();
    });

    it("refuses a second open wait for the same source and correlation key", async () => {
      const first = aWait({ source: "s", correlationKey: "k" });
      expect(await store.createWait(first)).toBe(true);
      expect(await store.createWait(aWait({ source: "s", correlationKey: "k" }))).toBe(false);
      expect(await store.createWait(aWait({ source: "other", correlationKey: "k" }))).toBe(true);
      expect(await store.createWait(aWait({ source: "s", correlationKey: "k2" }))).toBe(true);
      // Waits without a correlation key never conflict.
      expect(await store.createWait(aWait())).toBe(true);
      expect(await store.createWait(aWait())).toBe(true);
      await store.cancelWait(first.id, T0 + 1);
      expect(await store.createWait(aWait({ source: "s", correlationKey: "k" }))).toBe(true);
    });

    it("lets an expired (unswept) wait give way to a new one, and marks it expired", async () => {
      const old = aWait({ source: "s", correlationKey: "k", expiresAt: T0 + 100 });
      await store.createWait(old);
      expect(await store.createWait(aWait({ source: "s", correlationKey: "k", createdAt: T0 + 99 }))).toBe(
        false,
      );
      expect(await store.createWait(aWait({ source: "s", correlationKey: "k", createdAt: T0 + 100 }))).toBe(
        true,
      );
      expect((await store.getWait(old.id))?.status).toBe("expired");
    });

    it("cancels only open waits", async () => {
      const wait = aWait();
      await store.createWait(wait);
      expect((await store.cancelWait(wait.id, T0 + 5))?.status).toBe("cancelled");
      expect((await store.getWait(wait.id))?.closedAt).toBe(T0 + 5);
      const closed = aWait();
      await accepted(store, closed);
      expect((await store.cancelWait(closed.id, T0 + 5))?.status).toBe("closed");
      expect(await store.cancelWait("unknown", T0)).toBeUndefined();
    });

    it("expires open waits past their expiry, and nothing else", async () => {
      const due = aWait({ expiresAt: T0 + 10 });
      const later = aWait({ expiresAt: T0 + 1000 });
      const closed = aWait({ expiresAt: T0 + 11 });
      await store.createWait(due);
      await store.createWait(later);
      await accepted(store, closed);
      expect(await store.expireWaits(T0 + 11)).toBe(1);
      expect((await store.getWait(due.id))?.status).toBe("expired");
      expect((await store.getWait(later.id))?.status).toBe("open");
      expect((await store.getWait(closed.id))?.status).toBe("closed");
      expect(await store.expireWaits(T0 + 11)).toBe(0);
    });

    it("lists newest first with filters and a cursor that neither skips nor repeats", async () => {
      const made: WaitRecord[] = [];
      for (let i = 0; i < 7; i++) {
        const w = aWait({ source: i % 2 ? "a" : "b", correlationKey: `k${i}` });
        await store.createWait(w);
        made.push(w);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const p = await store.listWaits({ limit: 3, ...(cursor ? { cursor } : {}) });
        expect(p.items.length).toBeLessThanOrEqual(3);
        seen.push(...p.items.map((w) => w.id));
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(made.map((w) => w.id).reverse());
      const onlyA = await store.listWaits({ limit: 10, source: "a" });
      expect(onlyA.items.map((w) => w.correlationKey)).toEqual(["k5", "k3", "k1"]);
      expect(onlyA.nextCursor).toBeNull();
      await store.cancelWait(made[0]!.id, T0);
      expect((await store.listWaits({ limit: 10, status: "cancelled" })).items.map((w) => w.id)).toEqual([
        made[0]!.id,
      ]);
      expect((await store.listWaits({ limit: 10, taskId: made[2]!.taskId })).items).toHaveLength(1);
    });
  });
}
