import { entryHash } from "./chain.js";
import type { ChainHead, SealedAuditEntry } from "./entry.js";

/** The kind of the entry a purge of the audit log leaves behind. */
export const CHECKPOINT_KIND = "audit.checkpoint";

/**
 * What a checkpoint entry records: the position and hash of the last entry purged (the chain's
 * new start), how many entries that purge step removed, and the cut-off it applied.
 */
export interface CheckpointData {
  throughSeq: number;
  throughHash: string;
  purged: number;
  before: number;
}

/** The data of a checkpoint entry, or undefined if the entry is not one or its data is damaged. */
export function checkpointData(e: Pick<SealedAuditEntry, "kind" | "data">): CheckpointData | undefined {
  if (e.kind !== CHECKPOINT_KIND) return undefined;
  const { throughSeq, throughHash, purged, before } = e.data as Record<string, unknown>;
  if (
    typeof throughSeq !== "number" ||
    !Number.isSafeInteger(throughSeq) ||
    throughSeq < 1 ||
    typeof throughHash !== "string" ||
    !/^[0-9a-f]{64}$/.test(throughHash) ||
    typeof purged !== "number" ||
    typeof before !== "number"
  ) {
    return undefined;
  }
  return { throughSeq, throughHash, purged, before };
}

/**
 * Where verification of a purged chain starts, taken from its newest sealed checkpoint entry. The
 * checkpoint is an entry of the chain itself, so it is trusted only if its own hash recomputes:
 * an edited checkpoint is named here; one edited with its hash rewritten breaks the link after it.
 */
export async function checkpointStart(
  entry: SealedAuditEntry,
): Promise<{ ok: true; from: ChainHead } | { ok: false; message: string }> {
  const data = checkpointData(entry);
  if (!data || data.throughSeq >= entry.seq || (await entryHash(entry.prevHash, entry)) !== entry.hash) {
    return {
      ok: false,
      message: `checkpoint entry ${entry.seq} (${entry.id}) was edited: its hash does not match its content`,
    };
  }
  return { ok: true, from: { seq: data.throughSeq, hash: data.throughHash } };
}
