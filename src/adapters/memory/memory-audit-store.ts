import { CHECKPOINT_KIND } from "../../core/audit/checkpoint.js";
import type { AuditDraft, AuditEntry, ChainHead, SealedAuditEntry } from "../../core/audit/entry.js";
import { type AuditFilter, type AuditStore, auditSubjectIds } from "../../ports/audit-store.js";
import type { Page } from "../../ports/page.js";

/** The audit log in memory, with the same sealing rules as the SQL store. */
export class MemoryAuditStore implements AuditStore {
  private readonly entries = new Map<string, AuditEntry>();
  private readonly bySeq = new Map<number, AuditEntry>();
  private last: ChainHead | null = null;

  /** Throws, like a SQL key would, before a step writes anything, if an entry's id is taken. */
  check(drafts: readonly AuditDraft[] | undefined): void {
    for (const d of drafts ?? []) if (this.entries.has(d.id)) throw new Error(`audit entry ${d.id} exists`);
  }

  /** Called by the memory store inside the step that makes the change. */
  add(drafts: readonly AuditDraft[] | undefined): void {
    this.check(drafts);
    for (const d of drafts ?? []) {
      this.entries.set(d.id, { ...structuredClone(d), seq: null, prevHash: null, hash: null });
    }
  }

  async append(drafts: readonly AuditDraft[]): Promise<void> {
    this.add(drafts);
  }

  async sealWork(limit: number): Promise<{ head: ChainHead | null; unsealed: AuditDraft[] }> {
    const unsealed = [...this.entries.values()]
      .filter((e) => e.seq === null)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map(({ seq: _s, prevHash: _p, hash: _h, ...d }) => structuredClone(d));
    return { head: this.last && { ...this.last }, unsealed };
  }

  async writeSeals(sealed: readonly SealedAuditEntry[]): Promise<number> {
    // Checked whole before anything is written, like the SQL step that fails whole.
    if (sealed.some((s) => this.bySeq.has(s.seq))) return 0;
    let written = 0;
    for (const s of sealed) {
      const e = this.entries.get(s.id);
      if (!e || e.seq !== null) continue;
      const before = this.bySeq.get(s.seq - 1);
      if (s.seq > 1 && before?.hash !== s.prevHash) continue;
      const linked = { ...e, seq: s.seq, prevHash: s.prevHash, hash: s.hash };
      this.entries.set(s.id, linked);
      this.bySeq.set(s.seq, linked);
      if (this.last === null || s.seq > this.last.seq) this.last = { seq: s.seq, hash: s.hash };
      written++;
    }
    return written;
  }

  async readSealed(afterSeq: number, limit: number): Promise<SealedAuditEntry[]> {
    return this.sealedInOrder()
      .filter((e) => e.seq > afterSeq)
      .slice(0, limit)
      .map((e) => structuredClone(e));
  }

  private sealedInOrder(): SealedAuditEntry[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq! - b.seq!) as SealedAuditEntry[];
  }

  async purgeThrough(through: ChainHead, checkpoint: SealedAuditEntry): Promise<number> {
    const before = this.bySeq.get(checkpoint.seq - 1);
    if (before?.hash !== checkpoint.prevHash || this.bySeq.has(checkpoint.seq)) return 0;
    if (this.bySeq.get(through.seq)?.hash !== through.hash || this.entries.has(checkpoint.id)) return 0;
    const linked: AuditEntry = structuredClone(checkpoint);
    this.entries.set(linked.id, linked);
    this.bySeq.set(checkpoint.seq, linked);
    this.last = { seq: checkpoint.seq, hash: checkpoint.hash };
    let deleted = 0;
    for (const [seq, e] of this.bySeq) {
      if (seq > through.seq) continue;
      this.bySeq.delete(seq);
      this.entries.delete(e.id);
      deleted++;
    }
    return deleted;
  }

  async countPurgeable(before: number): Promise<number> {
    let n = 0;
    for (const e of this.sealedInOrder()) {
      if (e.at >= before) break;
      n++;
    }
    return n;
  }

  async latestCheckpoint(): Promise<SealedAuditEntry | null> {
    const found = this.sealedInOrder().findLast((e) => e.kind === CHECKPOINT_KIND);
    return found ? structuredClone(found) : null;
  }

  async head(): Promise<ChainHead | null> {
    return this.last && { ...this.last };
  }

  async countUnsealed(): Promise<number> {
    let n = 0;
    for (const e of this.entries.values()) if (e.seq === null) n++;
    return n;
  }

  async list(f: AuditFilter): Promise<Page<AuditEntry>> {
    const ids = auditSubjectIds(f);
    const of = new Set(ids);
    const matches = (id: string | null) => id !== null && of.has(id);
    const rows = [...this.entries.values()]
      .filter((e) => !ids || matches(e.waitId) || matches(e.deliveryId) || matches(e.approvalId))
      .filter((e) => !f.cursor || e.id < f.cursor)
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = rows.slice(0, f.limit).map((e) => structuredClone(e));
    return { items, nextCursor: rows.length > f.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
