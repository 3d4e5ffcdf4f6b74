import {
  type CompiledQuery,
  type Expression,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
} from "kysely";
import type { AuditDraft, AuditEntry, ChainHead, SealedAuditEntry } from "../../core/audit/entry.js";
import { type AuditFilter, type AuditStore, auditSubjectIds } from "../../ports/audit-store.js";
import type { Page } from "../../ports/page.js";
import { linkedAs } from "./audit-link.js";
import type { SqlContext } from "./dialect-ops.js";
import { insertWhere } from "./insert-where.js";
import { countPurgeableAudit, latestCheckpoint, purgeAuditThrough } from "./kysely-audit-retention.js";
import { fillSlots, prepared, preparedTemplate, slot } from "./prepared.js";
import type { AuditTable } from "./schema.js";
import { affectedRows, newestFirstPage, toPage } from "./sql-helpers.js";

/** The row of an unsealed entry. */
export function auditToRow(d: AuditDraft): AuditTable {
  return {
    id: d.id,
    kind: d.kind,
    at: d.at,
    actor: d.actor,
    wait_id: d.waitId,
    delivery_id: d.deliveryId,
    approval_id: d.approvalId,
    data_json: JSON.stringify(d.data),
    seq: null,
    prev_hash: null,
    hash: null,
  };
}

export function auditFromRow(r: Selectable<AuditTable>): AuditEntry {
  return {
    id: r.id,
    kind: r.kind as AuditDraft["kind"],
    at: Number(r.at),
    actor: r.actor,
    waitId: r.wait_id,
    deliveryId: r.delivery_id,
    approvalId: r.approval_id,
    data: JSON.parse(r.data_json) as Record<string, unknown>,
    seq: r.seq === null ? null : Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * A condition written once with `slot(name)` where its values go, and the values of this call:
 * the insert it guards is then compiled once per `key` (prepared.ts) instead of per entry.
 */
export interface PreparedCondition {
  key: string;
  build: () => Expression<SqlBool>;
  values: Readonly<Record<string, unknown>>;
}

const isPrepared = (c: Expression<SqlBool> | PreparedCondition): c is PreparedCondition =>
  "key" in c && "build" in c;

/** The audit row with every value a slot of the same name (prepared.ts). */
const AUDIT_COLUMNS = Object.keys(
  auditToRow({
    id: "",
    kind: "callback.received",
    at: 0,
    actor: "",
    waitId: null,
    deliveryId: null,
    approvalId: null,
    data: {},
  }),
) as (keyof AuditTable)[];
export const slotRow = (): AuditTable =>
  Object.fromEntries(AUDIT_COLUMNS.map((column) => [column, slot(column)])) as unknown as AuditTable;

/**
 * The statements that add `drafts` to an atomic step, each only if `condition` holds after the
 * step's earlier statements: the entry lands exactly when the change it records does. With no
 * condition or a prepared one, the statement is compiled once and filled per entry (hot paths:
 * every accept writes one); a plain expression is compiled per entry.
 */
export function auditInserts(
  ctx: SqlContext,
  drafts: readonly AuditDraft[] | undefined,
  condition?: Expression<SqlBool> | PreparedCondition,
): CompiledQuery[] {
  if (!drafts || drafts.length === 0) return [];
  const { db } = ctx;
  if (condition && !isPrepared(condition)) {
    const template = insertWhere(db, "audit", slotRow(), condition);
    return drafts.map((d) => linkedIfInline(ctx, template, fillSlots(template, auditToRow(d)), d));
  }
  const key = condition ? `audit insert if ${condition.key}` : "audit insert";
  const template = preparedTemplate(
    db,
    key,
    condition
      ? (db) => insertWhere(db, "audit", slotRow(), condition.build())
      : (db) => db.insertInto("audit").values(slotRow()).compile(),
  );
  return drafts.map((d) =>
    linkedIfInline(ctx, template, fillSlots(template, auditToRow(d), key, condition?.values), d),
  );
}

/** The row's own columns for an entry's position and hashes. */
const ROW_LINK_SLOTS = { seq: "seq", prevHash: "prev_hash", hash: "hash" } as const;

/** On a store that links entries as it writes them (SQLite), the insert carries its link. */
export function linkedIfInline(
  { ops }: SqlContext,
  template: CompiledQuery,
  query: CompiledQuery,
  entry: AuditDraft,
): CompiledQuery {
  return ops.linksAuditOnWrite ? linkedAs(template, query, entry, ROW_LINK_SLOTS) : query;
}

/**
 * "The row is still in the state the change needs", for entries written before the change in the
 * same step (the change's own condition, checked first). On PostgreSQL the row is locked by the
 * check, so nobody can move it between the entry and the change; SQLite and D1 run the step alone.
 */
export function rowStill(
  { ops }: SqlContext,
  table: "waits" | "deliveries" | "approvals" | "mails",
  condition: RawBuilder<unknown>,
): RawBuilder<boolean> {
  const lock = ops.skipLocked ? sql` for update` : sql``;
  return sql<boolean>`exists (select 1 from ${sql.table(table)} where ${condition}${lock})`;
}

/** PostgreSQL replicas take turns sealing (accepts never take this lock). */
export const SEAL_LOCK = 0x7a6741;

export class KyselyAuditStore implements AuditStore {
  constructor(private readonly ctx: SqlContext) {}

  async append(drafts: readonly AuditDraft[]): Promise<void> {
    if (drafts.length > 0) await this.ctx.ops.atomic(this.ctx.db, auditInserts(this.ctx, drafts));
  }

  async sealWork(limit: number): Promise<{ head: ChainHead | null; unsealed: AuditDraft[] }> {
    const head = await this.head();
    const rows = await this.ctx.db
      .selectFrom("audit")
      .selectAll()
      .where("seq", "is", null)
      .orderBy("id")
      .limit(limit)
      .execute();
    return { head, unsealed: rows.map(auditFromRow) };
  }

  async writeSeals(sealed: readonly SealedAuditEntry[]): Promise<number> {
    if (sealed.length === 0) return 0;
    const { db, ops } = this.ctx;
    // On PostgreSQL the step first waits its turn: sealers run one at a time, accepts never wait.
    const lock = ops.skipLocked ? [sql`select pg_advisory_xact_lock(${sql.lit(SEAL_LOCK)})`.compile(db)] : [];
    // PostgreSQL: the whole batch in one statement (a round trip per entry made the sealer fall
    // behind above ~100 entries/s); elsewhere one statement per entry, compiled once (two shapes:
    // the first entry has no predecessor).
    const queries = ops.skipLocked
      ? [sealBatchStatement(sealed).compile(db)]
      : ops.linksAuditOnWrite
        ? sealed.map((s) => linkedSeal(db, s))
        : sealed.map((s) =>
            prepared(
              db,
              s.seq > 1 ? "seal entry after its predecessor" : "seal the first entry",
              sealStatement(s.seq > 1),
              {
                id: s.id,
                seq: s.seq,
                prevSeq: s.seq - 1,
                prevHash: s.prevHash,
                hash: s.hash,
              },
            ),
          );
    try {
      const results = await ops.atomic(db, [...lock, ...queries]);
      return results.slice(lock.length).reduce((n, r) => n + affectedRows(r), 0);
    } catch (err) {
      // Another sealer took a position first (unique seq): nothing of this step was written.
      if (isUniqueViolation(err)) return 0;
      throw err;
    }
  }

  async readSealed(afterSeq: number, limit: number): Promise<SealedAuditEntry[]> {
    const rows = await this.ctx.db
      .selectFrom("audit")
      .selectAll()
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => auditFromRow(r) as SealedAuditEntry);
  }

  async head(): Promise<ChainHead | null> {
    const row = await this.ctx.db
      .selectFrom("audit")
      .select(["seq", "hash"])
      .where("seq", "is not", null)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    return row && row.seq !== null && row.hash !== null ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  async countUnsealed(): Promise<number> {
    const row = await this.ctx.db
      .selectFrom("audit")
      .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
      .where("seq", "is", null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async list(filter: AuditFilter): Promise<Page<AuditEntry>> {
    const ids = auditSubjectIds(filter);
    if (ids === undefined) {
      const rows = await newestFirstPage(this.ctx.db.selectFrom("audit").selectAll(), filter).execute();
      return toPage(rows.map(auditFromRow), filter.limit);
    }
    if (ids.length === 0) return { items: [], nextCursor: null };
    // Each id is bound three times (wait, delivery, approval): in chunks, since D1 binds at most
    // 100 parameters per statement. Each chunk reads its own newest page; merged, the newest
    // `limit` of them are the newest of all (an entry matching two chunks is kept once).
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += SUBJECTS_PER_STATEMENT) {
      chunks.push(ids.slice(i, i + SUBJECTS_PER_STATEMENT));
    }
    const found = await Promise.all(
      chunks.map((chunk) =>
        newestFirstPage(
          this.ctx.db
            .selectFrom("audit")
            .selectAll()
            .where((eb) =>
              eb.or([
                eb("wait_id", "in", chunk),
                eb("delivery_id", "in", chunk),
                eb("approval_id", "in", chunk),
              ]),
            ),
          filter,
        ).execute(),
      ),
    );
    const byId = new Map<string, Selectable<AuditTable>>();
    for (const r of found.flat()) byId.set(r.id, r);
    const rows = [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return toPage(rows.map(auditFromRow), filter.limit);
  }

  purgeThrough(through: ChainHead, checkpoint: SealedAuditEntry): Promise<number> {
    return purgeAuditThrough(this.ctx, through, checkpoint);
  }

  countPurgeable(before: number): Promise<number> {
    return countPurgeableAudit(this.ctx, before);
  }

  latestCheckpoint(): Promise<SealedAuditEntry | null> {
    return latestCheckpoint(this.ctx);
  }
}

/** Subject ids a statement binds at most: three times each, under D1's 100 parameters. */
const SUBJECTS_PER_STATEMENT = 30;

/**
 * PostgreSQL: seal a batch with one UPDATE over `unnest` of its positions. It writes only if every
 * entry of the batch is still unsealed and the first one's predecessor holds the hash it was linked
 * to (the per-entry statement's conditions, checked once for the batch: the entries after the first
 * link to each other as the sealer computed them); otherwise it changes nothing and counts 0.
 */
function sealBatchStatement(sealed: readonly SealedAuditEntry[]): RawBuilder<unknown> {
  const first = sealed[0]!;
  const ids = sealed.map((s) => s.id);
  const predecessor =
    first.seq > 1
      ? sql`exists (select 1 from audit p where p.seq = ${first.seq - 1} and p.hash = ${first.prevHash})`
      : sql`true`;
  return sql`update audit as a set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    from unnest(${ids}::text[], ${sealed.map((s) => s.seq)}::bigint[], ${sealed.map((s) => s.prevHash)}::text[],
      ${sealed.map((s) => s.hash)}::text[]) as v(id, seq, prev_hash, hash)
    where a.id = v.id and a.seq is null and ${predecessor}
      and (select count(*) from audit u where u.id = any(${ids}::text[]) and u.seq is null) = ${sealed.length}`;
}

/**
 * Seals one entry only while it is unsealed and, after the first, only while its predecessor
 * holds the position and hash it was linked to.
 */
function sealStatement(afterPredecessor: boolean) {
  return (db: SqlContext["db"]): CompiledQuery => {
    let q = db
      .updateTable("audit")
      .set({ seq: slot<number>("seq"), prev_hash: slot<string>("prevHash"), hash: slot<string>("hash") })
      .where("id", "=", slot<string>("id"))
      .where("seq", "is", null);
    if (afterPredecessor) {
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom("audit as p")
            .select(sql`1`.as("one"))
            .where("p.seq", "=", slot<number>("prevSeq"))
            .where("p.hash", "=", slot<string>("prevHash")),
        ),
      );
    }
    return q.compile();
  };
}

/**
 * A store that links entries as it writes them (SQLite) seals a leftover unsealed entry (written
 * before it did so) the same way: the position and hashes this statement writes are filled from
 * the head as it runs, so a seal computed against an older head still lands at the end of the chain.
 */
function linkedSeal(db: SqlContext["db"], s: SealedAuditEntry): CompiledQuery {
  const template = preparedTemplate(db, "seal entry where the chain ends", (db) =>
    db
      .updateTable("audit")
      .set({ seq: slot<number>("seq"), prev_hash: slot<string>("prevHash"), hash: slot<string>("hash") })
      .where("id", "=", slot<string>("id"))
      .where("seq", "is", null)
      .compile(),
  );
  const query = fillSlots(template, { id: s.id, seq: s.seq, prevHash: s.prevHash, hash: s.hash });
  return linkedAs(template, query, s, { seq: "seq", prevHash: "prevHash", hash: "hash" });
}

/** SQLite/D1 `UNIQUE constraint failed`, PostgreSQL 23505. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE") return true;
  return typeof e?.message === "string" && /UNIQUE constraint failed/i.test(e.message);
}
