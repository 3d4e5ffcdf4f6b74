import { describe, expect, it } from "vitest";
import { sha256Hex } from "../canonical-json.js";
import { entryContent, entryHash, linkEntries } from "./chain.js";
import { auditDraft, GENESIS_HASH } from "./entry.js";

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
});
