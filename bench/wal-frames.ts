import { readFileSync } from "node:fs";
import SqliteDatabase from "better-sqlite3";

/** The WAL frames written while a watch lasted, by the table or index of each page. */
export interface WalReport {
  commits: number;
  frames: number;
  pageSize: number;
  /** Name of the b-tree, its frames and the distinct pages among them; most frames first. */
  trees: { name: string; frames: number; pages: number }[];
}

/**
 * Watches what the writers of a SQLite file (in WAL mode) write from now on. A second connection
 * checkpoints the WAL away, then holds a read transaction, so no checkpoint can reset the WAL
 * while the watch lasts: every frame written meanwhile is still there at `finish`, which reads
 * them and names each page's b-tree with SQLite's `dbstat`. Nothing else may use the file when the
 * watch starts (the checkpoint must empty the WAL).
 */
export function watchWal(dbPath: string): { finish(): WalReport } {
  const side = new SqliteDatabase(dbPath);
  side.pragma("busy_timeout = 5000");
  side.pragma("wal_checkpoint(TRUNCATE)");
  side.exec("begin");
  side.prepare("select count(*) from sqlite_schema").get();
  return {
    finish() {
      const wal = readFileSync(`${dbPath}-wal`);
      side.exec("commit");
      const pageSize = wal.length >= 32 ? wal.readUInt32BE(8) : 4096;
      const pages: number[] = [];
      let commits = 0;
      for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
        pages.push(wal.readUInt32BE(at));
        if (wal.readUInt32BE(at + 4) !== 0) commits++; // a commit frame records the database size
      }
      const owner = new Map<number, string>();
      for (const row of side.prepare("select name, pageno from dbstat").all() as {
        name: string;
        pageno: number;
      }[])
        owner.set(row.pageno, row.name);
      side.close();
      const byTree = new Map<string, { frames: number; pages: Set<number> }>();
      for (const page of pages) {
        const name = owner.get(page) ?? "(freed)";
        const tree = byTree.get(name) ?? { frames: 0, pages: new Set<number>() };
        tree.frames++;
        tree.pages.add(page);
        byTree.set(name, tree);
      }
      const trees = [...byTree]
        .map(([name, t]) => ({ name, frames: t.frames, pages: t.pages.size }))
        .sort((a, b) => b.frames - a.frames);
      return { commits, frames: pages.length, pageSize, trees };
    },
  };
}

/** The report as text, per unit of work (`per` of them, e.g. 2,000 accepts). */
export function formatWal(report: WalReport, per: number, unit: string): string {
  const each = (n: number) => (n / per).toFixed(2);
  const lines = [
    `${report.commits} commits (${(per / Math.max(report.commits, 1)).toFixed(1)} ${unit}s each), ` +
      `${report.frames} WAL frames of ${report.pageSize} bytes, ${each(report.frames)} per ${unit}`,
    ...report.trees.map(
      (t) => `  ${t.name.padEnd(32)} ${each(t.frames).padStart(6)} frames per ${unit} (${t.pages} pages)`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
