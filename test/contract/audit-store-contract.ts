import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linkEntries as link, linkEntries } from "../../src/core/audit/chain.js";
import { type AuditDraft, auditDraft, entryForDelivery } from "../../src/core/audit/entry.js";
import { verifyChain } from "../../src/core/audit/verify.js";
import type { Store } from "../../src/ports/store.js";
import { purgeAuditBatch } from "../../src/services/audit-retention.js";
import { sealAll, sealedEntries, sealOnce, verifyAudit } from "../../src/services/audit-sealer.js";
import { aMail, anApproval } from "./approval-store-fixtures.js";
import {
  accepted,
  aDelivery,
  anAttempt,
  aWait,
  deadLetters,
  newId,
  type StoreHarness,
  T0,
} from "./store-fixtures.js";

const entry = (over: Partial<AuditDraft> = {}): AuditDraft =>
  auditDraft({ id: newId(), kind: "wait.created", at: T0, actor: "api:test", ...over });

/**
 * The audit log of every store: entries ride with their change, seals never fork the chain. A
 * store that links entries as it writes them (SQLite on a file) has no unsealed entries of its own,
 * so the sealer's cases are skipped for it (its own tests cover linking; the same store with
 * linking off runs them).
 */
export function describeAuditStoreContract(
  name: string,
  open: () => Promise<StoreHarness>,
  { linksOnWrite = false }: { linksOnWrite?: boolean } = {},
): void {
  const sealerCase = it.skipIf(linksOnWrite);
  describe(`${name}: audit log`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const subjectKinds = async (subject: string) =>
      (await store.audit.list({ subject, limit: 50 })).items.map((e) => e.kind).reverse();

    it("writes an entry with the change it records, and none with a change refused", async () => {
      const w = aWait({ source: "s", correlationKey: "k" });
      expect(await store.createWait(w, [entry({ waitId: w.id })])).toBe(true);
      const clash = aWait({ source: "s", correlationKey: "k" });
      expect(await store.createWait(clash, [entry({ waitId: clash.id })])).toBe(false);
      expect(await subjectKinds(w.id)).toEqual(["wait.created"]);
      expect(await subjectKinds(clash.id)).toEqual([]);

      const d = aDelivery(w);
      const cb = entry({
        kind: "callback.received",
        waitId: w.id,
        deliveryId: d.id,
        data: { ip: "192.0.2.1" },
      });
      expect((await store.acceptCallback({ waitId: w.id, now: T0 + 1, delivery: d, audit: [cb] })).kind).toBe(
        "accepted",
      );
      const late = aDelivery(w, { contentHash: "other" });
      const lateEntry = entry({ kind: "callback.received", deliveryId: late.id });
      expect(
        (await store.acceptCallback({ waitId: w.id, now: T0 + 2, delivery: late, audit: [lateEntry] })).kind,
      ).toBe("closed");
      expect(await subjectKinds(d.id)).toEqual(["callback.received"]);
      expect(await subjectKinds(late.id)).toEqual([]);
      const stored = (await store.audit.list({ subject: d.id, limit: 5 })).items[0]!;
      expect(stored).toMatchObject(
        linksOnWrite
          ? { data: { ip: "192.0.2.1" }, seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }
          : { data: { ip: "192.0.2.1" }, seq: null, hash: null },
      );

      // An attempt by a worker that lost its lease writes neither the attempt nor its entry.
      const [leased] = await store.claimDue(T0 + 3, "w1", 30_000, 10);
      const lost = entry({ kind: "delivery.delivered", deliveryId: d.id });
      const outcome = { kind: "delivered" as const, attempt: anAttempt(leased!) };
      expect(await store.recordAttempt(d.id, "w2", T0 + 4, outcome, [lost])).toBe(false);
      const won = entry({ kind: "delivery.delivered", deliveryId: d.id });
      expect(await store.recordAttempt(d.id, "w1", T0 + 4, outcome, [won])).toBe(true);
      expect(await subjectKinds(d.id)).toEqual(["callback.received", "delivery.delivered"]);

      // Replayed once: the second replay of a pending delivery is refused, and so is its entry.
      expect(
        await store.replayDelivery(d.id, T0 + 5, T0 + 9_000, [
          entry({ kind: "operator.action", deliveryId: d.id }),
        ]),
      ).not.toBe(false);
      expect(
        await store.replayDelivery(d.id, T0 + 6, T0 + 9_000, [
          entry({ kind: "operator.action", deliveryId: d.id }),
        ]),
      ).toBe(false);
      expect(await subjectKinds(d.id)).toEqual([
        "callback.received",
        "delivery.delivered",
        "operator.action",
      ]);
    });

    it("writes no entry for a lost lease's attempt after the new holder recorded the same attempt", async () => {
      // w1's lease ran out mid-call; w2 claimed, called and recorded attempt 1 first. w1's answer
      // then arrives for its attempt 1: refused, and its entry with it, although an attempt 1
      // row is there (w2's).
      const d = await accepted(store, aWait());
      const [first] = await store.claimDue(T0 + 20, "w1", 1_000, 10);
      const [second] = await store.claimDue(T0 + 1_100, "w2", 30_000, 10);
      expect([first?.id, second?.id]).toEqual([d.id, d.id]);
      const attempt = (startedAt: number) => anAttempt(second!, { startedAt, finishedAt: startedAt + 5 });
      const won = entry({ kind: "delivery.delivered", deliveryId: d.id, actor: "forwarder:w2" });
      expect(
        await store.recordAttempt(
          d.id,
          "w2",
          T0 + 1_200,
          { kind: "delivered", attempt: attempt(T0 + 1_150) },
          [won],
        ),
      ).toBe(true);
      const lost = entry({ kind: "delivery.attempt", deliveryId: d.id, actor: "forwarder:w1" });
      const retry = { kind: "retry" as const, attempt: attempt(T0 + 25), nextAttemptAt: T0 + 9_000 };
      expect(await store.recordAttempt(d.id, "w1", T0 + 1_300, retry, [lost])).toBe(false);
      const entries = (await store.audit.list({ subject: d.id, limit: 10 })).items;
      expect(entries.map((e) => [e.kind, e.actor])).toEqual([["delivery.delivered", "forwarder:w2"]]);
    });

    it("records webhooks stored, parked, released and discarded, not a duplicate's store step", async () => {
      const parked = aDelivery(aWait(), {
        waitId: null,
        taskId: null,
        status: "parked",
        source: "gh",
        correlationKey: "k1",
        dedupeKey: "m1",
        parkUntil: T0 + 60_000,
      });
      const r1 = await store.receiveWebhook({
        delivery: parked,
        waitId: null,
        now: T0,
        audit: [entry({ kind: "webhook.received", deliveryId: parked.id })],
      });
      expect(r1.kind).toBe("stored");
      const again = { ...parked, id: newId() };
      const r2 = await store.receiveWebhook({
        delivery: again,
        waitId: null,
        now: T0,
        audit: [entry({ kind: "webhook.received", deliveryId: again.id })],
      });
      expect(r2.kind).toBe("duplicate");
      expect(await subjectKinds(again.id)).toEqual([]);

      const w = aWait({ source: "gh", correlationKey: "k1" });
      await store.createWait(w);
      const ok = await store.releaseParked({
        deliveryId: parked.id,
        wait: w,
        update: { status: "COMPLETED" },
        contentHash: "h",
        deliverUntil: T0 + 60_000,
        now: T0 + 1,
        audit: [entry({ kind: "parked.released", deliveryId: parked.id, waitId: w.id })],
      });
      expect(ok).toBe(true);
      expect(await subjectKinds(parked.id)).toEqual(["webhook.received", "parked.released"]);

      const other = aDelivery(aWait(), {
        waitId: null,
        status: "parked",
        source: "gh",
        correlationKey: "k2",
        parkUntil: T0 + 60_000,
      });
      await store.receiveWebhook({ delivery: other, waitId: null, now: T0 });
      const discard = () =>
        store.discardParked(other.id, T0 + 2, "by op", [
          entry({ kind: "operator.action", deliveryId: other.id }),
        ]);
      expect(await discard()).not.toBe(false);
      expect(await discard()).toBe(false);
      expect(await subjectKinds(other.id)).toEqual(["operator.action"]);
    });

    it("writes approval entries with their step, and a failing statement in the step takes both back", async () => {
      const a = anApproval();
      const created = entry({ kind: "approval.created", approvalId: a.id });
      await store.approvals.createApproval(a, [], [created]);
      // The same approval again fails whole: its entry does not land.
      const again = entry({ kind: "approval.created", approvalId: a.id });
      await expect(store.approvals.createApproval(a, [], [again])).rejects.toThrow();
      // An entry that cannot be written (its id is taken) takes the approval back with it.
      const b = anApproval();
      await expect(
        store.approvals.createApproval(b, [], [{ ...created, approvalId: b.id }]),
      ).rejects.toThrow();
      expect(await store.approvals.getApproval(b.id)).toBeUndefined();
      expect((await store.audit.list({ subject: a.id, limit: 10 })).items.map((e) => e.id)).toEqual([
        created.id,
      ]);

      const decided = entry({
        kind: "approval.decided",
        approvalId: a.id,
        actor: "approver:ada@example.com",
      });
      const step = { approvalId: a.id, version: 0, now: T0 + 1, close: null };
      const decision = {
        approverIndex: 0,
        email: "ada@example.com",
        decision: "approve" as const,
        comment: null,
        decidedAt: T0 + 1,
        ip: null,
        userAgent: null,
      };
      expect(
        await store.approvals.advanceApproval({ ...step, stepId: newId(), decision, audit: [decided] }),
      ).toBe(true);
      const stale = entry({ kind: "approval.decided", approvalId: a.id });
      expect(
        await store.approvals.advanceApproval({
          ...step,
          stepId: newId(),
          decision: { ...decision, approverIndex: 1 },
          audit: [stale],
        }),
      ).toBe(false);
      expect(await subjectKinds(a.id)).toEqual(["approval.created", "approval.decided"]);
      await store.approvals.cancelApproval(a.id, T0 + 2, [
        entry({ kind: "approval.cancelled", approvalId: a.id }),
      ]);
      await store.approvals.cancelApproval(a.id, T0 + 3, [
        entry({ kind: "approval.cancelled", approvalId: a.id }),
      ]);
      expect(await subjectKinds(a.id)).toEqual([
        "approval.created",
        "approval.decided",
        "approval.cancelled",
      ]);
    });

    sealerCase("seals entries in id order into a chain that verifies, and reports what is left", async () => {
      const drafts = Array.from({ length: 7 }, () => entry());
      await store.audit.append(drafts.slice(0, 4));
      await store.audit.append(drafts.slice(4));
      expect(await store.audit.countUnsealed()).toBe(7);
      expect(await store.audit.head()).toBeNull();
      expect(await sealOnce(store.audit, 5)).toBe(5);
      expect(await store.audit.countUnsealed()).toBe(2);
      expect(await sealAll(store.audit)).toBe(2);
      const chain = await store.audit.readSealed(0, 100);
      expect(chain.map((e) => e.id)).toEqual(drafts.map((d) => d.id));
      expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await store.audit.head()).toEqual({ seq: 7, hash: chain[6]!.hash });
      expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 7 });
      expect((await store.audit.readSealed(5, 100)).map((e) => e.seq)).toEqual([6, 7]);
    });

    sealerCase("lets a sealer that lost a race write nothing, so the chain never forks", async () => {
      await store.audit.append([entry(), entry()]);
      const work = await store.audit.sealWork(10);
      // Another sealer seals the first entry meanwhile.
      expect(await store.audit.writeSeals((await linkEntries(work.head, work.unsealed)).slice(0, 1))).toBe(1);
      const later = entry();
      await store.audit.append([later]);
      // A stale sealer links [2nd, 3rd] after the head it read (none): position 1 is taken.
      const stale = await linkEntries(null, [work.unsealed[1]!, later]);
      expect(await store.audit.writeSeals(stale)).toBe(0);
      // Linked after a head with the wrong hash: nothing either.
      const forged = await linkEntries({ seq: 1, hash: "f".repeat(64) }, [work.unsealed[1]!]);
      expect(await store.audit.writeSeals(forged)).toBe(0);
      expect(await store.audit.countUnsealed()).toBe(2);
      await sealAll(store.audit);
      expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 3 });
    });

    it("stays one chain with sealers running at once", async () => {
      for (let i = 0; i < 6; i++) await store.audit.append(Array.from({ length: 10 }, () => entry()));
      await Promise.all([sealAll(store.audit), sealAll(store.audit), sealAll(store.audit)]);
      await sealAll(store.audit);
      expect(await store.audit.countUnsealed()).toBe(0);
      expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 60 });
    });

    it("is left alone by retention: purging a wait keeps its entries and the chain", async () => {
      const w = aWait();
      await store.createWait(w, [entry({ waitId: w.id })]);
      await store.cancelWait(w.id, T0 + 1, [entry({ kind: "wait.cancelled", waitId: w.id })]);
      expect(await sealAll(store.audit)).toBe(linksOnWrite ? 0 : 2);
      const later = T0 + 365 * 24 * 3_600_000;
      expect(await store.purgeBatch("waits", later, 500)).toBe(1);
      expect(await store.getWait(w.id)).toBeUndefined();
      expect(await subjectKinds(w.id)).toEqual(["wait.created", "wait.cancelled"]);
      expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true, count: 2 });
    });

    it("expires each wait with its wait.expired entry in the same step, or neither", async () => {
      const due = aWait({ source: "s", correlationKey: "a", expiresAt: T0 + 10 });
      const other = aWait({ source: "s", correlationKey: "b", expiresAt: T0 + 10 });
      const later = aWait({ expiresAt: T0 + 1000 });
      for (const w of [due, other, later]) await store.createWait(w);
      const expiredEntry = (w: { id: string }) =>
        entry({ kind: "wait.expired", actor: "system", waitId: w.id, at: T0 + 11 });
      // Scoped to one key (a new wait for it closes the old one first).
      expect(await store.expireWaits(T0 + 11, expiredEntry, { source: "s", correlationKey: "a" })).toBe(1);
      expect((await store.getWait(other.id))?.status).toBe("open");
      // An entry that cannot be written (its id is taken) takes the expiry back with it.
      const taken = entry();
      await store.audit.append([taken]);
      await expect(store.expireWaits(T0 + 11, () => ({ ...taken, waitId: other.id }))).rejects.toThrow();
      expect((await store.getWait(other.id))?.status).toBe("open");
      expect(await store.expireWaits(T0 + 11, expiredEntry)).toBe(1);
      expect(await store.expireWaits(T0 + 11, expiredEntry)).toBe(0);
      expect((await store.getWait(due.id))?.status).toBe("expired");
      expect((await store.getWait(later.id))?.status).toBe("open");
      expect(await subjectKinds(due.id)).toEqual(["wait.expired"]);
      expect(await subjectKinds(other.id)).toEqual(["wait.expired"]);
      expect(await subjectKinds(later.id)).toEqual([]);
    });

    it("expires each unclaimed parked webhook with its parked.expired entry in the same step, or neither", async () => {
      const parkedUntil = (key: string, parkUntil: number) =>
        aDelivery(aWait(), {
          waitId: null,
          taskId: null,
          status: "parked",
          source: "gh",
          correlationKey: key,
          dedupeKey: key,
          parkUntil,
        });
      const due = parkedUntil("a", T0 + 10);
      const other = parkedUntil("b", T0 + 10);
      const later = parkedUntil("c", T0 + 1000);
      for (const d of [due, other, later]) await store.receiveWebhook({ delivery: d, waitId: null, now: T0 });
      const expiredEntry = (d: { id: string }) =>
        entry({ kind: "parked.expired", actor: "system", deliveryId: d.id, at: T0 + 11 });
      // An entry that cannot be written (its id is taken) takes the expiry back with it.
      const taken = entry();
      await store.audit.append([taken]);
      await expect(
        store.expireParked(T0 + 11, (d) =>
          d.id === other.id ? { ...taken, deliveryId: d.id } : expiredEntry(d),
        ),
      ).rejects.toThrow();
      expect((await store.getDelivery(due.id))?.status).toBe("parked");
      expect((await store.getDelivery(other.id))?.status).toBe("parked");
      expect(await subjectKinds(due.id)).toEqual([]);
      // Each expired delivery is handed to `entry` as it is, once.
      const seen: { id: string; status: string; parkUntil: number | null }[] = [];
      const recorded = (d: { id: string; status: string; parkUntil: number | null }) => {
        seen.push({ id: d.id, status: d.status, parkUntil: d.parkUntil });
        return expiredEntry(d);
      };
      expect(await store.expireParked(T0 + 11, recorded)).toBe(2);
      expect(seen.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
        [due, other]
          .map((d) => ({ id: d.id, status: "parked", parkUntil: T0 + 10 }))
          .sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
      expect(await store.expireParked(T0 + 11, expiredEntry)).toBe(0);
      expect((await store.getDelivery(due.id))?.status).toBe("expired");
      expect((await store.getDelivery(later.id))?.status).toBe("parked");
      expect(await subjectKinds(due.id)).toEqual(["parked.expired"]);
      expect(await subjectKinds(other.id)).toEqual(["parked.expired"]);
      expect(await subjectKinds(later.id)).toEqual([]);
      await sealAll(store.audit);
      expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true });
    });

    it("writes a bulk replay's entry for each delivery it queues, in the step that queues them", async () => {
      const deadOnes = await deadLetters(store, 3);
      deadOnes.sort();
      const dead = { status: "dead" as const };
      const bulk = (over: Partial<AuditDraft> = {}) =>
        entry({
          kind: "operator.action",
          actor: "operator:ada",
          at: T0 + 40,
          data: { action: "replay_bulk", status: "dead" },
          ...over,
        });
      // An entry that cannot be written (the second delivery's id is taken) leaves every delivery dead.
      const failing = bulk();
      await store.audit.append([entry({ id: entryForDelivery(failing, deadOnes[1]!).id })]);
      await expect(store.replayDeliveries(dead, T0 + 40, T0 + 9_000, 2, failing)).rejects.toThrow();
      expect(await store.countReplayable(dead, 10)).toBe(3);
      for (const id of deadOnes) expect(await subjectKinds(id)).toEqual([]);

      const first = bulk();
      expect(await store.replayDeliveries(dead, T0 + 40, T0 + 9_000, 2, first)).toBe(2);
      const second = bulk({ at: T0 + 41 });
      expect(await store.replayDeliveries(dead, T0 + 41, T0 + 9_000, 5, second)).toBe(1);
      const none = bulk({ at: T0 + 42 });
      expect(await store.replayDeliveries(dead, T0 + 42, T0 + 9_000, 5, none)).toBe(0);
      // Each delivery's history says who replayed it, when, and with which filter.
      const histories = await Promise.all(
        deadOnes.map(async (id) => (await store.audit.list({ subject: id, limit: 5 })).items),
      );
      expect(histories.map((h) => h.map((e) => e.id))).toEqual([
        [entryForDelivery(first, deadOnes[0]!).id],
        [entryForDelivery(first, deadOnes[1]!).id],
        [entryForDelivery(second, deadOnes[2]!).id],
      ]);
      expect(histories[2]![0]).toMatchObject({
        kind: "operator.action",
        actor: "operator:ada",
        at: T0 + 41,
        deliveryId: deadOnes[2],
        waitId: null,
        data: { action: "replay_bulk", status: "dead" },
      });
      const all = (await store.audit.list({ limit: 50 })).items.map((e) => e.id);
      for (const template of [first, second, none]) expect(all).not.toContain(template.id);
      expect(all.filter((id) => id.startsWith(`${none.id}:`))).toEqual([]);
      await sealAll(store.audit);
      expect(await verifyChain(sealedEntries(store.audit))).toMatchObject({ ok: true });
    });

    it("gives each delivery one bulk replay entry when two bulk replays run at once", async () => {
      const deadOnes = await deadLetters(store, 6);
      const bulk = () =>
        entry({
          kind: "operator.action",
          actor: "operator:ada",
          data: { action: "replay_bulk", status: "dead" },
        });
      const counts = await Promise.all(
        [bulk(), bulk(), bulk()].map((e) =>
          store.replayDeliveries({ status: "dead" }, T0 + 40, T0 + 9_000, 4, e),
        ),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
      for (const id of deadOnes) {
        expect((await store.getDelivery(id))?.status).toBe("pending");
        expect(await subjectKinds(id)).toEqual(["operator.action"]);
      }
    });

    it("writes a mail resend's entry with the resend, and none when it is refused or fails", async () => {
      const a = anApproval();
      const m = aMail(a, 0, { status: "sent" });
      await store.approvals.createApproval(a, [m]);
      const resend = () =>
        entry({ kind: "operator.action", approvalId: a.id, data: { action: "resend_mail" } });
      const taken = entry();
      await store.audit.append([taken]);
      await expect(
        store.approvals.resendMail(m.id, T0 + 1, T0 + 9_000, [{ ...resend(), id: taken.id }]),
      ).rejects.toThrow();
      expect((await store.approvals.getMail(m.id))?.status).toBe("sent");
      expect(await store.approvals.resendMail(m.id, T0 + 2, T0 + 9_000, [resend()])).toMatchObject({
        status: "pending",
      });
      // Already queued: refused, and so is its entry.
      expect(await store.approvals.resendMail(m.id, T0 + 3, T0 + 9_000, [resend()])).toBe(false);
      expect(await subjectKinds(a.id)).toEqual(["operator.action"]);
    });

    const DAY = 86_400_000;
    const purgeDeps = (now: number) => ({ ids: { newId: () => newId(now) }, clock: { now: () => now } });

    sealerCase("purges a sealed prefix in batches behind a checkpoint, never an unsealed entry", async () => {
      const old = Array.from({ length: 9 }, (_, i) => entry({ at: T0 + i }));
      await store.audit.append(old);
      await sealAll(store.audit);
      const fresh = [entry({ at: T0 + 30 * DAY }), entry({ at: T0 + 30 * DAY })];
      await store.audit.append(fresh);
      await sealAll(store.audit);
      // Old, but not sealed yet: retention leaves it for the sealer.
      const unsealed = entry({ id: newId(T0 + 40 * DAY), at: T0 });
      await store.audit.append([unsealed]);
      const before = T0 + DAY;
      expect(await store.audit.countPurgeable(before)).toBe(9);

      const now = T0 + 31 * DAY;
      expect(await purgeAuditBatch(store.audit, purgeDeps(now), before, 4)).toBe(4);
      const cp = (await store.audit.latestCheckpoint())!;
      expect(cp).toMatchObject({ kind: "audit.checkpoint", seq: 12, at: now, actor: "system" });
      expect(cp.data).toEqual({ throughSeq: 4, throughHash: expect.any(String), purged: 4, before });
      expect((await store.audit.readSealed(0, 100)).map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
      expect(await verifyAudit(store.audit)).toMatchObject({
        verdict: { ok: true, count: 8, head: { seq: 12 } },
        from: { seq: 4, hash: cp.data.throughHash },
        unsealed: 1,
      });
      expect(await purgeAuditBatch(store.audit, purgeDeps(now), before, 4)).toBe(4);
      expect(await purgeAuditBatch(store.audit, purgeDeps(now), before, 4)).toBe(1);
      // The rest is young (the fresh entries and the checkpoints this purge wrote).
      expect(await purgeAuditBatch(store.audit, purgeDeps(now), before, 4)).toBe(0);
      expect(await store.audit.countPurgeable(before)).toBe(0);
      const rest = await store.audit.readSealed(0, 100);
      expect(rest.map((e) => e.kind)).toEqual([
        "wait.created",
        "wait.created",
        "audit.checkpoint",
        "audit.checkpoint",
        "audit.checkpoint",
      ]);
      expect(rest[0]!.seq).toBe(10);
      expect(await store.audit.countUnsealed()).toBe(1);
      // The sealer goes on after the last checkpoint; the whole remainder verifies.
      expect(await sealAll(store.audit)).toBe(1);
      expect(await verifyAudit(store.audit)).toMatchObject({
        verdict: { ok: true, count: 6, head: { seq: 15 } },
        from: { seq: 9 },
        unsealed: 0,
      });
      // A year on, the old checkpoints go too; the newest one always stays.
      const later = T0 + 400 * DAY;
      expect(await purgeAuditBatch(store.audit, purgeDeps(later), later - DAY, 500)).toBe(6);
      expect((await store.audit.readSealed(0, 100)).map((e) => e.kind)).toEqual(["audit.checkpoint"]);
      expect(await verifyAudit(store.audit)).toMatchObject({
        verdict: { ok: true, count: 1 },
        from: { seq: 15 },
      });
    });

    sealerCase("lets a purge that lost a race write nothing", async () => {
      await store.audit.append(Array.from({ length: 4 }, (_, i) => entry({ at: T0 + i })));
      await sealAll(store.audit);
      const [first, second] = await store.audit.readSealed(0, 2);
      const head = (await store.audit.head())!;
      const checkpointAfter = async (h: typeof head) =>
        (
          await link(h, [
            entry({
              kind: "audit.checkpoint",
              actor: "system",
              data: { throughSeq: 2, throughHash: second!.hash, purged: 2, before: T0 + 9 },
            }),
          ])
        )[0]!;
      // Linked after a head that is no longer the end (a sealer moved on): nothing happens.
      await store.audit.append([entry()]);
      await sealAll(store.audit);
      expect(
        await store.audit.purgeThrough({ seq: 2, hash: second!.hash }, await checkpointAfter(head)),
      ).toBe(0);
      // A `through` that is not in place (wrong hash): nothing either.
      const now = (await store.audit.head())!;
      expect(await store.audit.purgeThrough({ seq: 2, hash: first!.hash }, await checkpointAfter(now))).toBe(
        0,
      );
      expect((await store.audit.readSealed(0, 100)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await store.audit.latestCheckpoint()).toBeNull();
      expect(await store.audit.purgeThrough({ seq: 2, hash: second!.hash }, await checkpointAfter(now))).toBe(
        2,
      );
      expect(await verifyAudit(store.audit)).toMatchObject({
        verdict: { ok: true, count: 4 },
        from: { seq: 2 },
      });
    });

    it("lists a subject's entries newest first, page by page", async () => {
      const w = newId();
      const mine = [entry({ waitId: w }), entry({ deliveryId: w }), entry({ approvalId: w })];
      await store.audit.append([...mine, entry()]);
      const first = await store.audit.list({ subject: w, limit: 2 });
      expect(first.items.map((e) => e.id)).toEqual([mine[2]!.id, mine[1]!.id]);
      const second = await store.audit.list({ subject: w, limit: 2, cursor: first.nextCursor! });
      expect(second).toEqual({ items: [expect.objectContaining({ id: mine[0]!.id })], nextCursor: null });
      expect((await store.audit.list({ limit: 10 })).items).toHaveLength(4);
    });

    it("lists the entries of several subjects at once, each once, newest first, page by page", async () => {
      const w = newId();
      // More subjects than one statement binds on D1 (30), and an entry naming two of them.
      const deliveries = Array.from({ length: 40 }, () => newId());
      const a = newId();
      const mine = [
        entry({ waitId: w }),
        ...deliveries.map((d) => entry({ kind: "delivery.attempt", deliveryId: d })),
        entry({ waitId: w, deliveryId: deliveries[35]! }),
        entry({ approvalId: a }),
      ];
      await store.audit.append([...mine, entry(), entry({ deliveryId: newId() })]);
      const subjects = [w, ...deliveries, a];
      const all = await store.audit.list({ subjects, limit: 100 });
      expect(all.items.map((e) => e.id)).toEqual(mine.map((e) => e.id).reverse());
      expect(all.nextCursor).toBeNull();
      const first = await store.audit.list({ subjects, limit: 25 });
      expect(first.items.map((e) => e.id)).toEqual(
        mine
          .slice(-25)
          .map((e) => e.id)
          .reverse(),
      );
      const rest = await store.audit.list({ subjects, limit: 25, cursor: first.nextCursor! });
      expect(rest.items.map((e) => e.id)).toEqual(
        mine
          .slice(0, -25)
          .map((e) => e.id)
          .reverse(),
      );
      expect(rest.nextCursor).toBeNull();
      // `subject` joins `subjects`; no subject at all matches nothing, not everything.
      expect((await store.audit.list({ subject: a, subjects: [w], limit: 100 })).items).toHaveLength(3);
      expect(await store.audit.list({ subjects: [], limit: 10 })).toEqual({ items: [], nextCursor: null });
    });
  });
}
