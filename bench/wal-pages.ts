import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import SqliteDatabase from "better-sqlite3";
import { registerWaits, sendCallbacks, startHeldGateway } from "./in-process.js";

/**
 * Which tables and indexes a callback accept writes, read from the SQLite WAL (issue 15):
 *
 *   node --import tsx bench/wal-pages.ts [--repo DIR] [--open 20000] [--accepts 2000] [--concurrency 20]
 *
 * Runs the built gateway of `--repo` in this process (as accept-cpu.ts does), registers `--open`
 * waits that stay open plus `--accepts` more, then closes those with 1 KB callbacks in random
 * order, `--concurrency` at a time (the HTTP bench's commits held ~20 accepts each). A commit writes
 * every page its batch changed as one WAL frame, and the next checkpoint copies it again, so
 * frames per accept are what the store's writes cost in I/O: unlike CPU time, a count that does
 * not drift with the machine's load. A second connection holds a read transaction during the run,
 * so no checkpoint resets the WAL; the frames are then attributed to their b-tree with `dbstat`.
 */
const { values: opts } = parseArgs({
  options: {
    repo: { type: "string", default: resolve(import.meta.dirname, "..") },
    open: { type: "string", default: "20000" },
    accepts: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "20" },
  },
});
const repo = resolve(opts.repo);
const open = Number(opts.open);
const accepts = Number(opts.accepts);
const concurrency = Number(opts.concurrency);

const dir = mkdtempSync(join(tmpdir(), "taskgate-wal-pages-"));
const held = await startHeldGateway(repo, dir);
process.stderr.write(`registering ${open + accepts} waits...\n`);
const paths = await registerWaits(held, open + accepts);
// Shuffled: waits close in no particular order, as tasks finish.
for (let i = paths.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [paths[i], paths[j]] = [paths[j]!, paths[i]!];
}

const side = new SqliteDatabase(held.dbPath);
side.pragma("busy_timeout = 5000");
side.pragma("wal_checkpoint(TRUNCATE)");
// A read transaction from before the run: no checkpoint can reset the WAL while it lasts.
side.exec("begin");
side.prepare("select count(*) from waits").get();
const sent = await sendCallbacks(held, paths.slice(0, accepts), concurrency);
const wal = readFileSync(`${held.dbPath}-wal`);
side.exec("commit");

const pageSize = wal.readUInt32BE(8);
const frames: number[] = [];
let commits = 0;
for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
  frames.push(wal.readUInt32BE(at));
  if (wal.readUInt32BE(at + 4) !== 0) commits++; // a commit frame records the database size
}
const owner = new Map<number, string>();
for (const row of side.prepare("select name, pageno from dbstat").all() as { name: string; pageno: number }[])
  owner.set(row.pageno, row.name);
const byTree = new Map<string, { frames: number; pages: Set<number> }>();
for (const page of frames) {
  const name = owner.get(page) ?? "(freed)";
  const tree = byTree.get(name) ?? { frames: 0, pages: new Set<number>() };
  tree.frames++;
  tree.pages.add(page);
  byTree.set(name, tree);
}
side.close();
await held.gateway.close(1000);
rmSync(dir, { recursive: true, force: true });

const per = (n: number) => (n / accepts).toFixed(2);
process.stdout.write(
  `${repo}\n${accepts} callbacks (${sent.failed} not 202) with ${open} other waits open: ${commits} commits ` +
    `(${(accepts / Math.max(commits, 1)).toFixed(1)} accepts each), ${frames.length} WAL frames of ${pageSize} bytes, ` +
    `${per(frames.length)} per accept\n`,
);
for (const [name, tree] of [...byTree].sort((a, b) => b[1].frames - a[1].frames)) {
  process.stdout.write(
    `  ${name.padEnd(32)} ${per(tree.frames).padStart(6)} frames per accept (${tree.pages.size} pages)\n`,
  );
}
process.exit(sent.failed > 0 ? 1 : 0);
