import { describe, expect, it } from "vitest";
import { entryHash, linkEntries } from "./chain.js";
import { auditDraft, type SealedAuditEntry } from "./entry.js";
import { verifyChain } from "./verify.js";

async function chainOf(n: number): Promise<SealedAuditEntry[]> {
  const drafts = Array.from({ length: n }, (_, i) =>
    auditDraft({
      id: `e${i + 1}`,
      kind: "wait.created",
      at: 1000 + i,
      actor: "api:test",
      waitId: `w${i + 1}`,
    }),
  );
  return linkEntries(null, drafts);
}

/** Renumbers entries by position, as an attacker who wants the positions to look right would. */
const renumber = (es: SealedAuditEntry[]) => es.map((e, i) => ({ ...e, seq: i + 1 }));

describe("verifyChain", () => {
  it("accepts an intact chain and reports its head", async () => {
    const es = await chainOf(5);
    expect(await verifyChain(es)).toEqual({ ok: true, count: 5, head: { seq: 5, hash: es[4]!.hash } });
    expect(await verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it("names an edited field", async () => {
    const es = await chainOf(5);
    es[2] = { ...es[2]!, actor: "api:someone-else" };
    expect(await verifyChain(es)).toMatchObject({ ok: false, problem: "edited", seq: 3, entryId: "e3" });
  });

  it("names an entry whose hash was rewritten to match its edit", async () => {
    const es = await chainOf(5);
    const edited = { ...es[2]!, data: { x: 1 } };
    es[2] = { ...edited, hash: await entryHash(edited.prevHash, edited) };
    expect(await verifyChain(es)).toMatchObject({ ok: false, problem: "edited", seq: 3 });
  });

  it("names the entry after a deleted one", async () => {
    const es = await chainOf(5);
    es.splice(2, 1);
    expect(await verifyChain(es)).toMatchObject({ ok: false, problem: "deleted", seq: 4, entryId: "e4" });
  });

  it("names a deleted first entry", async () => {
    const es = (await chainOf(3)).slice(1);
    expect(await verifyChain(es)).toMatchObject({ ok: false, problem: "deleted", seq: 2, entryId: "e2" });
  });

  it("names an inserted entry, whether or not it links to its predecessor", async () => {
    const es = await chainOf(5);
    const forged = auditDraft({ id: "x", kind: "wait.cancelled", at: 1002, actor: "api:test" });
    const linked = { ...forged, seq: 3, prevHash: es[1]!.hash, hash: await entryHash(es[1]!.hash, forged) };
    const withLinked = renumber([...es.slice(0, 2), linked, ...es.slice(2)]);
    expect(await verifyChain(withLinked)).toMatchObject({
      ok: false,
      problem: "inserted",
      entryId: "x",
      seq: 3,
    });
    const badHash = renumber([...es.slice(0, 2), { ...linked, hash: "e".repeat(64) }, ...es.slice(2)]);
    expect(await verifyChain(badHash)).toMatchObject({ ok: false, problem: "inserted", entryId: "x" });
    const unlinked = { ...linked, prevHash: "f".repeat(64) };
    const withUnlinked = renumber([...es.slice(0, 2), unlinked, ...es.slice(2)]);
    expect(await verifyChain(withUnlinked)).toMatchObject({ ok: false, problem: "inserted", entryId: "x" });
  });

  it("names two swapped entries", async () => {
    const es = await chainOf(5);
    const swapped = renumber([es[0]!, es[2]!, es[1]!, es[3]!, es[4]!]);
    expect(await verifyChain(swapped)).toMatchObject({
      ok: false,
      problem: "reordered",
      entryId: "e3",
      seq: 2,
    });
  });

  it("detects a cut tail only against a head kept elsewhere", async () => {
    const es = await chainOf(5);
    const head = es[4]!.hash;
    const cut = es.slice(0, 3);
    expect((await verifyChain(cut)).ok).toBe(true);
    expect(await verifyChain(cut, { head })).toMatchObject({ ok: false, problem: "cut", seq: 3 });
    expect(await verifyChain(es, { head })).toMatchObject({ ok: true });
    // A chain that grew past the kept head is fine.
    expect(await verifyChain(es, { head: es[1]!.hash })).toMatchObject({ ok: true, count: 5 });
  });

  it("starts from a checkpoint when older entries were purged", async () => {
    const es = await chainOf(5);
    const rest = es.slice(2);
    expect((await verifyChain(rest)).ok).toBe(false);
    expect(await verifyChain(rest, { from: { seq: 2, hash: es[1]!.hash } })).toMatchObject({
      ok: true,
      count: 3,
    });
  });

  it("streams from an async source", async () => {
    const es = await chainOf(3);
    async function* gen() {
      yield* es;
    }
    expect(await verifyChain(gen())).toMatchObject({ ok: true, count: 3 });
  });
});
