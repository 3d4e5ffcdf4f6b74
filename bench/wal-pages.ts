import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { registerWaits, sendCallbacks, startHeldGateway } from "./in-process.js";
import { formatWal, watchWal } from "./wal-frames.js";

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

const watch = watchWal(held.dbPath);
const sent = await sendCallbacks(held, paths.slice(0, accepts), concurrency);
const report = watch.finish();
await held.gateway.close(1000);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${repo}\n${accepts} callbacks (${sent.failed} not 202) with ${open} other waits open: ${formatWal(report, accepts, "accept")}`,
);
process.exit(sent.failed > 0 ? 1 : 0);
