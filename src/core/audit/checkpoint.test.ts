import { describe, expect, it } from "vitest";
import { linkEntries } from "./chain.js";
import { CHECKPOINT_KIND, checkpointData, checkpointStart } from "./checkpoint.js";
import { auditDraft } from "./entry.js";

const data = { throughSeq: 4, throughHash: "a".repeat(64), purged: 4, before: 1000 };

async function checkpointAt(d: Record<string, unknown>) {
  const draft = auditDraft({ id: "cp", kind: CHECKPOINT_KIND, at: 2000, actor: "system", data: d });
  const [sealed] = await linkEntries({ seq: 10, hash: "b".repeat(64) }, [draft]);
  return sealed!;
}

describe("audit checkpoints", () => {
  it("read the position a purged chain starts after from an intact checkpoint entry", async () => {
    expect(await checkpointStart(await checkpointAt(data))).toEqual({
      ok: true,
      from: { seq: 4, hash: "a".repeat(64) },
    });
  });

  it("refuse a checkpoint whose content no longer matches its hash", async () => {
    const cp = await checkpointAt(data);
    const edited = { ...cp, data: { ...data, throughSeq: 5 } };
    expect(await checkpointStart(edited)).toEqual({
      ok: false,
      message: "checkpoint entry 11 (cp) was edited: its hash does not match its content",
    });
  });

  it("refuse damaged data even when the hash was recomputed over it", async () => {
    for (const bad of [
      { ...data, throughSeq: "4" },
      { ...data, throughSeq: 0 },
      { ...data, throughSeq: 11 },
      { ...data, throughHash: "xyz" },
      { throughSeq: 4 },
    ]) {
      expect((await checkpointStart(await checkpointAt(bad))).ok).toBe(false);
    }
    expect(checkpointData({ kind: "wait.created", data })).toBeUndefined();
    expect(checkpointData({ kind: CHECKPOINT_KIND, data })).toEqual(data);
  });
});
