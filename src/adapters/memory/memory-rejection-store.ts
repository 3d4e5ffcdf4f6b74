import type { Page } from "../../ports/page.js";
import type { RejectionFilter, RejectionRecord, RejectionStore } from "../../ports/rejection-store.js";

/** Newest first: by time, then id (what the SQL stores order by). */
const newestFirst = (a: RejectionRecord, b: RejectionRecord): number =>
  b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Whether `r` comes after the cursor's row in newest-first order. */
function below(r: RejectionRecord, cursor: string): boolean {
  const cut = cursor.indexOf("_");
  const at = Number(cursor.slice(0, cut));
  const id = cursor.slice(cut + 1);
  return r.at < at || (r.at === at && r.id < id);
}

/** The rejected-request log in memory; passes the same contract suite as the SQL store. */
export class MemoryRejectionStore implements RejectionStore {
  private rows: RejectionRecord[] = [];

  async insertRejections(rows: readonly RejectionRecord[]): Promise<void> {
    for (const r of rows) this.rows.push({ ...r, headerNames: [...r.headerNames] });
  }

  async listRejections(f: RejectionFilter): Promise<Page<RejectionRecord>> {
    const rows = this.rows
      .filter(
        (r) =>
          (!f.source || r.source === f.source) &&
          (!f.code || r.code === f.code) &&
          (f.since === undefined || r.at >= f.since) &&
          (!f.cursor || below(r, f.cursor)),
      )
      .sort(newestFirst);
    const items = rows.slice(0, f.limit).map((r) => ({ ...r, headerNames: [...r.headerNames] }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > f.limit && last ? `${last.at}_${last.id}` : null };
  }

  async trimRejections(keep: number): Promise<number> {
    if (this.rows.length <= keep) return 0;
    const before = this.rows.length;
    this.rows = this.rows.sort(newestFirst).slice(0, Math.max(0, keep));
    return before - this.rows.length;
  }

  async purgeRejectionsBefore(before: number, limit = 1_000): Promise<number> {
    const old = this.rows
      .filter((r) => r.at < before)
      .sort((a, b) => a.at - b.at)
      .slice(0, limit);
    const gone = new Set(old);
    this.rows = this.rows.filter((r) => !gone.has(r));
    return old.length;
  }

  async countRejections(before?: number): Promise<number> {
    return before === undefined ? this.rows.length : this.rows.filter((r) => r.at < before).length;
  }
}
