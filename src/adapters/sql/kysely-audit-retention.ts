import { type CompiledQuery, sql } from "kysely";
import { CHECKPOINT_KIND } from "../../core/audit/checkpoint.js";
import type { ChainHead, SealedAuditEntry } from "../../core/audit/entry.js";
import type { SqlContext } from "./dialect-ops.js";
import { insertWhere } from "./insert-where.js";
import {
  auditFromRow,
  auditToRow,
  isUniqueViolation,
  linkedIfInline,
  SEAL_LOCK,
  slotRow,
} from "./kysely-audit.js";
import { fillSlots } from "./prepared.js";
import { affectedRows } from "./sql-helpers.js";

/**
 * Audit retention over SQL: a prefix of the sealed chain goes in one short step that also links a
 * checkpoint entry at the end of the chain. The checkpoint is inserted first, only while the head
 * it was linked after and the last purged entry are both in place (a unique position keeps a
 * second purger or sealer out); the delete runs only if the checkpoint landed. A store that links
 * entries as it writes them links the checkpoint after the head it finds.
 */
export async function purgeAuditThrough(
  ctx: SqlContext,
  through: ChainHead,
  checkpoint: SealedAuditEntry,
): Promise<number> {
  const { db, ops } = ctx;
  const lock = ops.skipLocked ? [sql`select pg_advisory_xact_lock(${sql.lit(SEAL_LOCK)})`.compile(db)] : [];
  const row = {
    ...auditToRow(checkpoint),
    seq: checkpoint.seq,
    prev_hash: checkpoint.prevHash,
    hash: checkpoint.hash,
  };
  const throughInPlace = sql<boolean>`exists (select 1 from audit t where t.seq = ${through.seq} and t.hash = ${through.hash})`;
  let insert: CompiledQuery;
  if (ops.linksAuditOnWrite) {
    // Linked as it runs, after whatever the head is by then: a busy chain cannot starve a purge.
    const template = insertWhere(db, "audit", slotRow(), throughInPlace);
    insert = linkedIfInline(ctx, template, fillSlots(template, row), checkpoint);
  } else {
    const linkable = sql<boolean>`exists (select 1 from audit p where p.seq = ${checkpoint.seq - 1} and p.hash = ${checkpoint.prevHash}) and ${throughInPlace}`;
    insert = insertWhere(db, "audit", row, linkable);
  }
  const queries: CompiledQuery[] = [
    ...lock,
    insert,
    db
      .deleteFrom("audit")
      .where("seq", "<=", through.seq)
      .where(sql<boolean>`exists (select 1 from audit c where c.id = ${checkpoint.id})`)
      .compile(),
  ];
  try {
    const results = await ops.atomic(db, queries);
    return affectedRows(results[lock.length + 1]!);
  } catch (err) {
    if (isUniqueViolation(err)) return 0;
    throw err;
  }
}

/** The sealed entries before the first one written at or after `before`. */
export async function countPurgeableAudit({ db }: SqlContext, before: number): Promise<number> {
  const row = await db
    .selectFrom("audit")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .where("seq", "is not", null)
    .where(
      sql<boolean>`seq < coalesce((select min(y.seq) from audit y where y.seq is not null and y.at >= ${before}), (select max(z.seq) + 1 from audit z))`,
    )
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The newest sealed checkpoint (a backward walk of the seq index, short once purges run). */
export async function latestCheckpoint({ db }: SqlContext): Promise<SealedAuditEntry | null> {
  const row = await db
    .selectFrom("audit")
    .selectAll()
    .where("kind", "=", CHECKPOINT_KIND)
    .where("seq", "is not", null)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? (auditFromRow(row) as SealedAuditEntry) : null;
}
