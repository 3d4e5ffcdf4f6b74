import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uuid7 } from "../../src/adapters/runtime/uuid7-ids.js";
import type { RejectionRecord, RejectionStore } from "../../src/ports/rejection-store.js";
import type { StoreHarness } from "./store-fixtures.js";

const T0 = 1_780_000_000_000;

function aRejection(at: number, over: Partial<RejectionRecord> = {}): RejectionRecord {
  return {
    id: uuid7(at, crypto.getRandomValues(new Uint8Array(10))),
    at,
    route: "hook",
    source: "github",
    code: "signature_invalid",
    status: 401,
    clientIp: "203.0.113.9",
    userAgent: "GitHub-Hookshot/1",
    headerNames: ["content-type", "x-hub-signature-256"],
    bodySize: 42,
    bodySha256: "a".repeat(64),
    ...over,
  };
}

/** Every page of a list, following nextCursor. */
async function all(
  store: RejectionStore,
  filter: { source?: string; code?: string; since?: number },
  limit = 3,
) {
  const out: RejectionRecord[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await store.listRejections({ ...filter, limit, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("the cursor never ended");
}

/** The rejected-request log, on every store (SQLite, PostgreSQL, memory, D1). */
export function describeRejectionStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`${name}: rejected-request log`, () => {
    let h: StoreHarness;
    let store: RejectionStore;
    beforeEach(async () => {
      h = await open();
      store = h.store.rejections;
    });
    afterEach(() => h.cleanup());

    it("stores a batch as written and reads it back newest first", async () => {
      const rows = [
        aRejection(T0),
        aRejection(T0 + 2, {
          route: "callback",
          source: null,
          code: "token_invalid",
          bodySize: null,
          bodySha256: null,
        }),
        aRejection(T0 + 1, { clientIp: null, userAgent: null, headerNames: [] }),
      ];
      await store.insertRejections(rows);
      await store.insertRejections([]);
      const page = await store.listRejections({ limit: 10 });
      expect(page.items).toEqual([rows[1], rows[2], rows[0]]);
      expect(page.nextCursor).toBeNull();
      expect(await store.countRejections()).toBe(3);
    });

    it("writes a batch larger than one statement (200 rows) at once", async () => {
      const rows = Array.from({ length: 200 }, (_, i) => aRejection(T0 + i));
      await store.insertRejections(rows);
      expect(await store.countRejections()).toBe(200);
      expect((await store.listRejections({ limit: 1 })).items[0]).toEqual(rows[199]);
    });

    it("pages with a cursor through rows of the same millisecond without gaps or repeats", async () => {
      const rows = [
        ...Array.from({ length: 4 }, () => aRejection(T0 + 5)),
        ...Array.from({ length: 3 }, (_, i) => aRejection(T0 + i)),
      ];
      await store.insertRejections(rows);
      const listed = await all(store, {}, 2);
      expect(listed).toHaveLength(7);
      expect(new Set(listed.map((r) => r.id)).size).toBe(7);
      const order = listed.map((r) => [r.at, r.id] as const);
      for (let i = 1; i < order.length; i++) {
        const [a, b] = [order[i - 1]!, order[i]!];
        expect(a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])).toBe(true);
      }
    });

    it("filters by source, by code and since an instant, and combines them", async () => {
      await store.insertRejections([
        aRejection(T0, { source: "github", code: "signature_invalid" }),
        aRejection(T0 + 10, { source: "stripe", code: "timestamp_out_of_tolerance" }),
        aRejection(T0 + 20, { source: "github", code: "payload_too_large" }),
        aRejection(T0 + 30, { source: null, route: "callback", code: "token_invalid" }),
      ]);
      expect((await all(store, { source: "github" })).map((r) => r.at)).toEqual([T0 + 20, T0]);
      expect((await all(store, { code: "token_invalid" })).map((r) => r.at)).toEqual([T0 + 30]);
      expect((await all(store, { since: T0 + 10 })).map((r) => r.at)).toEqual([T0 + 30, T0 + 20, T0 + 10]);
      expect((await all(store, { source: "github", since: T0 + 1 })).map((r) => r.at)).toEqual([T0 + 20]);
      expect(await all(store, { source: "github", code: "token_invalid" })).toEqual([]);
    });

    it("trims to the newest N rows, and trimming below N deletes nothing", async () => {
      const rows = Array.from({ length: 10 }, (_, i) => aRejection(T0 + i));
      await store.insertRejections(rows);
      expect(await store.trimRejections(20)).toBe(0);
      expect(await store.trimRejections(10)).toBe(0);
      expect(await store.trimRejections(4)).toBe(6);
      expect((await all(store, {})).map((r) => r.at)).toEqual([T0 + 9, T0 + 8, T0 + 7, T0 + 6]);
      expect(await store.trimRejections(0)).toBe(4);
      expect(await store.countRejections()).toBe(0);
    });

    it("purges rows older than an instant, oldest first, at most `limit` at a time", async () => {
      await store.insertRejections(Array.from({ length: 6 }, (_, i) => aRejection(T0 + i)));
      expect(await store.countRejections(T0 + 4)).toBe(4);
      expect(await store.purgeRejectionsBefore(T0 + 4, 3)).toBe(3);
      expect((await all(store, {})).map((r) => r.at)).toEqual([T0 + 5, T0 + 4, T0 + 3]);
      expect(await store.purgeRejectionsBefore(T0 + 4)).toBe(1);
      expect(await store.purgeRejectionsBefore(T0 + 4)).toBe(0);
      expect(await store.countRejections()).toBe(2);
    });
  });
}
