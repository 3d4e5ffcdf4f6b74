import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uuid7 } from "../../src/adapters/runtime/uuid7-ids.js";
import type { MailRecord } from "../../src/ports/approval-store.js";
import type { Store } from "../../src/ports/store.js";
import { anApproval } from "./approval-store-fixtures.js";
import { aDelivery, aWait, type StoreHarness } from "./store-fixtures.js";

const T0 = 1_770_000_000_000;
let seq = 0;
const newId = () => uuid7(T0 + seq++, crypto.getRandomValues(new Uint8Array(10)));

function aMail(approvalId: string, approverIndex: number, over: Partial<MailRecord> = {}): MailRecord {
  return {
    id: newId(),
    approvalId,
    approverIndex,
    status: "pending",
    attempts: 0,
    nextAttemptAt: T0,
    sendUntil: T0 + 3_600_000,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    messageId: null,
    createdAt: T0,
    updatedAt: T0,
    sentAt: null,
    ...over,
  };
}

/** What the operator console asks of every store: counts, filters, discarding, the mail outbox. */
export function describeOperatorStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`${name}: operator queries`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(() => h.cleanup());

    it("counts deliveries by state, every state present", async () => {
      const zero = await store.countDeliveries();
      expect(zero).toEqual({ pending: 0, delivered: 0, dead: 0, parked: 0, ignored: 0, expired: 0 });
      const w = aWait();
      await store.createWait(w);
      await store.receiveWebhook({
        delivery: aDelivery(w, {
          waitId: null,
          status: "parked",
          source: "s",
          correlationKey: "k",
          parkUntil: T0 * 2,
        }),
        waitId: null,
        now: T0,
      });
      await store.receiveWebhook({
        delivery: aDelivery(w, { waitId: null, status: "ignored", source: "s", dedupeKey: "d2" }),
        waitId: null,
        now: T0,
      });
      await store.acceptCallback({ waitId: w.id, now: w.createdAt, delivery: aDelivery(w) });
      expect(await store.countDeliveries()).toEqual({
        pending: 1,
        delivered: 0,
        dead: 0,
        parked: 1,
        ignored: 1,
        expired: 0,
      });
    });

    it("counts pending deliveries up to a cap, parked and ignored ones not included", async () => {
      expect(await store.countPending(100)).toBe(0);
      for (let i = 0; i < 3; i++) {
        const w = aWait();
        await store.createWait(w);
        await store.acceptCallback({ waitId: w.id, now: w.createdAt, delivery: aDelivery(w) });
      }
      const other = aWait();
      await store.createWait(other);
      await store.receiveWebhook({
        delivery: aDelivery(other, {
          waitId: null,
          status: "parked",
          source: "s",
          correlationKey: "k",
          parkUntil: T0 * 2,
        }),
        waitId: null,
        now: T0,
      });
      expect(await store.countPending(100)).toBe(3);
      expect(await store.countPending(2)).toBe(2);
      expect(await store.countPending(0)).toBe(0);
    });

    it("filters waits and deliveries by correlation key", async () => {
      const a = aWait({ source: "s", correlationKey: "key-a" });
      const b = aWait({ source: "s", correlationKey: "key-b" });
      await store.createWait(a);
      await store.createWait(b);
      const waits = await store.listWaits({ correlationKey: "key-b", limit: 10 });
      expect(waits.items.map((w) => w.id)).toEqual([b.id]);
      const parked = aDelivery(a, {
        waitId: null,
        status: "parked",
        source: "t",
        correlationKey: "key-p",
        parkUntil: T0 * 2,
      });
      await store.receiveWebhook({ delivery: parked, waitId: null, now: T0 });
      const found = await store.listDeliveries({
        status: "parked",
        source: "t",
        correlationKey: "key-p",
        limit: 10,
      });
      expect(found.items.map((d) => d.id)).toEqual([parked.id]);
      expect((await store.listDeliveries({ source: "t", correlationKey: "other", limit: 10 })).items).toEqual(
        [],
      );
      expect((await store.listDeliveries({ source: "other", limit: 10 })).items).toEqual([]);
    });

    it("discards a parked delivery once; anything else is left alone", async () => {
      const w = aWait();
      await store.createWait(w);
      const parked = aDelivery(w, {
        waitId: null,
        status: "parked",
        source: "s",
        correlationKey: "k",
        parkUntil: T0 * 2,
      });
      await store.receiveWebhook({ delivery: parked, waitId: null, now: T0 });
      const discarded = await store.discardParked(parked.id, T0 + 5, "discarded by ops");
      expect(discarded).toMatchObject({
        id: parked.id,
        status: "ignored",
        reason: "discarded by ops",
        updatedAt: T0 + 5,
      });
      expect(await store.discardParked(parked.id, T0 + 6, "again")).toBe(false);
      expect((await store.getDelivery(parked.id))?.reason).toBe("discarded by ops");
      expect(await store.discardParked(newId(), T0, "x")).toBeUndefined();
      const pending = aDelivery(w);
      await store.acceptCallback({ waitId: w.id, now: w.createdAt, delivery: pending });
      expect(await store.discardParked(pending.id, T0, "x")).toBe(false);
      expect((await store.getDelivery(pending.id))?.status).toBe("pending");
    });

    it("lists the mail outbox newest first, by state, in pages; resends a mail that is not pending", async () => {
      const approval = anApproval();
      const mails = [0, 1, 2].map((i) => aMail(approval.id, i));
      await store.approvals.createApproval(approval, mails);
      const first = await store.approvals.listOutbox({ limit: 2 });
      expect(first.items.map((m) => m.id)).toEqual([mails[2]!.id, mails[1]!.id]);
      const second = await store.approvals.listOutbox({ limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((m) => m.id)).toEqual([mails[0]!.id]);
      expect(second.nextCursor).toBeNull();
      expect((await store.approvals.getMail(mails[1]!.id))?.approverIndex).toBe(1);

      expect(await store.approvals.resendMail(mails[0]!.id, T0 + 1, T0 + 10)).toBe(false);
      const [claimed] = await store.approvals.claimMails(T0, "w", 60_000, 1);
      await store.approvals.recordMail(claimed!.id, "w", T0 + 2, { kind: "dead", error: "refused" });
      expect(
        (await store.approvals.listOutbox({ status: "dead", limit: 10 })).items.map((m) => m.id),
      ).toEqual([claimed!.id]);
      const queued = await store.approvals.resendMail(claimed!.id, T0 + 3, T0 + 99);
      expect(queued).toMatchObject({
        status: "pending",
        nextAttemptAt: T0 + 3,
        sendUntil: T0 + 99,
        lastError: null,
      });
      const again = await store.approvals.claimMails(T0 + 3, "w2", 60_000, 3);
      expect(again.map((m) => m.id)).toContain(claimed!.id);
      expect(await store.approvals.resendMail(newId(), T0, T0)).toBeUndefined();
    });
  });
}
