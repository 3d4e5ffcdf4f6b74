import { describe, expect, it } from "vitest";
import { seeded } from "../../../test/support/seeded.js";
import { canonicalJson, sha256Hex } from "../canonical-json.js";
import { entryContent, entryHash, linkEntries } from "./chain.js";
import { type AuditDraft, auditDraft, GENESIS_HASH } from "./entry.js";

const first = auditDraft({
  id: "e1",
  kind: "webhook.received",
  at: 1_700_000_000_000,
  actor: "source:github",
  deliveryId: "d1",
  data: { ip: "203.0.113.9", bodySha256: "ab" },
});

describe("audit chain hashing", () => {
  it("hashes the previous hash followed by the entry's canonical JSON (known answer)", async () => {
    expect(entryContent(first)).toBe(
      '{"actor":"source:github","approvalId":null,"at":1700000000000,"data":{"bodySha256":"ab","ip":"203.0.113.9"},"deliveryId":"d1","id":"e1","kind":"webhook.received","waitId":null}',
    );
    // printf '%s' "$GENESIS$JSON" | sha256sum
    expect(await entryHash(GENESIS_HASH, first)).toBe(
      "96df25c5ae47c50775733966eb625362be0606838c3526114fa2a9b912825e66",
    );
  });

  it("does not depend on the order of keys in data", async () => {
    const reordered = { ...first, data: { bodySha256: "ab", ip: "203.0.113.9" } };
    expect(await entryHash(GENESIS_HASH, reordered)).toBe(await entryHash(GENESIS_HASH, first));
  });

  it("links drafts after a head, numbering on and chaining each to the one before", async () => {
    const second = { ...first, id: "e2" };
    const [a, b] = await linkEntries(null, [first, second]);
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, prevHash: a!.hash, hash: await entryHash(a!.hash, second) });
    const [c] = await linkEntries({ seq: 2, hash: b!.hash }, [{ ...first, id: "e3" }]);
    expect(c).toMatchObject({ seq: 3, prevHash: b!.hash });
  });

  it("hashes with the runtime's hash when given one, to the same chain", async () => {
    const drafts = [first, { ...first, id: "e2" }];
    const hashed: string[] = [];
    const counting = (text: string) => {
      hashed.push(text);
      return sha256Hex(text);
    };
    expect(await linkEntries(null, drafts, counting)).toEqual(await linkEntries(null, drafts));
    expect(hashed).toEqual([GENESIS_HASH + entryContent(first), expect.stringContaining('"id":"e2"')]);
  });

  it("is deterministic: two sealers given the same head and drafts agree", async () => {
    const drafts = [first, { ...first, id: "e2" }];
    expect(await linkEntries(null, drafts)).toEqual(await linkEntries(null, drafts));
  });

  it("writes exactly the canonical JSON of the entry's facts, whatever they hold", () => {
    // The content is written with its keys in order rather than sorted per entry: compare it with
    // the general canonical JSON on seeded drafts full of awkward strings, numbers and data.
    const { next, pick } = seeded(0x5eed);
    const strings = [
      "",
      "a",
      'quote " and \\ slash',
      "line\nbreak\ttab",
      "\u0000\u001f",
      "é漢字🙂",
      "\ud800 lone",
      "</script>",
    ];
    const text = () => pick(strings) + (next() < 0.5 ? String(Math.floor(next() * 1e6)) : "");
    const value = (depth: number): unknown => {
      const r = next();
      if (r < 0.2) return text();
      if (r < 0.35) return pick([0, -1, 1.5, 1e21, -0, Number.MAX_SAFE_INTEGER, 2 ** 60]);
      if (r < 0.45) return pick([true, false, null]);
      if (r < 0.7 && depth < 3) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      if (depth < 3) return record(depth + 1);
      return text();
    };
    const record = (depth: number): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [text(), value(depth)]));
    const orNull = () => (next() < 0.3 ? null : text());
    for (let i = 0; i < 2_000; i++) {
      const e: AuditDraft = {
        id: text(),
        kind: pick(["callback.received", "delivery.attempt", "operator.action"] as const),
        at: pick([0, 1_700_000_000_000 + i, 1.25, -5]),
        actor: text(),
        waitId: orNull(),
        deliveryId: orNull(),
        approvalId: orNull(),
        data: record(0),
      };
      const general = canonicalJson({
        id: e.id,
        kind: e.kind,
        at: e.at,
        actor: e.actor,
        waitId: e.waitId,
        deliveryId: e.deliveryId,
        approvalId: e.approvalId,
        data: e.data,
      });
      expect(entryContent(e)).toBe(general);
    }
    // A draft missing a field (an older caller's) leaves it out, as the general form does.
    const partial = { ...first, waitId: undefined } as unknown as AuditDraft;
    expect(entryContent(partial)).toBe(canonicalJson({ ...first, waitId: undefined }));
    expect(entryContent(partial)).not.toContain("waitId");
  });
});
