import { linkEntries } from "../core/audit/chain.js";
import { CHECKPOINT_KIND, checkpointStart } from "../core/audit/checkpoint.js";
import { auditDraft } from "../core/audit/entry.js";
import { verifyChain } from "../core/audit/verify.js";
import type { AuditStore, ChainHead, SealedAuditEntry } from "../ports/audit-store.js";
import type { Clock } from "../ports/clock.js";
import type { Ids } from "../ports/ids.js";
import type { PurgeStep } from "./retention.js";

/** Where the sealed chain starts: genesis, or the position its newest checkpoint names. */
export type ChainStart =
  | { ok: true; from: ChainHead | null; checkpoint: SealedAuditEntry | null }
  | { ok: false; checkpoint: SealedAuditEntry; message: string };

/** Reads the newest checkpoint and checks it before anything is verified (or purged) from it. */
export async function chainStart(audit: AuditStore): Promise<ChainStart> {
  const checkpoint = await audit.latestCheckpoint();
  if (!checkpoint) return { ok: true, from: null, checkpoint: null };
  const start = await checkpointStart(checkpoint);
  return start.ok
    ? { ok: true, from: start.from, checkpoint }
    : { ok: false, checkpoint, message: start.message };
}

/**
 * One batch of audit retention: the oldest sealed entries written before `before` (at most
 * `limit`, a prefix of the chain) are deleted, and a checkpoint entry naming the last of them is
 * linked at the end of the chain in the same step, so what remains still verifies. The batch is
 * verified first: a purge never erases the evidence of tampering (it stops with an error). Unsealed
 * entries are never touched. Returns how many entries were deleted.
 */
export async function purgeAuditBatch(
  audit: AuditStore,
  deps: { ids: Pick<Ids, "newId">; clock: Pick<Clock, "now"> },
  before: number,
  limit: number,
): Promise<number> {
  const start = await chainStart(audit);
  if (!start.ok) throw new Error(`audit retention stopped: ${start.message}`);
  const first = await audit.readSealed(start.from?.seq ?? 0, limit);
  const batch: SealedAuditEntry[] = [];
  for (const e of first) {
    if (e.at >= before) break;
    batch.push(e);
  }
  const last = batch.at(-1);
  if (!last) return 0;
  const verdict = await verifyChain(batch, start.from ? { from: start.from } : {});
  if (!verdict.ok) throw new Error(`audit retention stopped: the chain is broken: ${verdict.message}`);
  const head = await audit.head();
  if (!head) return 0;
  const draft = auditDraft({
    id: deps.ids.newId(),
    kind: CHECKPOINT_KIND,
    at: deps.clock.now(),
    actor: "system",
    data: { throughSeq: last.seq, throughHash: last.hash, purged: batch.length, before },
  });
  const [checkpoint] = await linkEntries(head, [draft]);
  return audit.purgeThrough({ seq: last.seq, hash: last.hash }, checkpoint!);
}

/** Retention's step for the audit log (`retention.audit`; 0 keeps it for ever: no step). */
export function auditPurgeStep(
  audit: AuditStore,
  keepMs: number,
  deps: { ids: Pick<Ids, "newId">; clock: Pick<Clock, "now"> },
): PurgeStep {
  return {
    kind: "audit",
    keepMs,
    purgeBatch: (before, limit) => purgeAuditBatch(audit, deps, before, limit),
    count: (before) => audit.countPurgeable(before),
  };
}
