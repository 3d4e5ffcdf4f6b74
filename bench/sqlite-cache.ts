import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import type { WaitRecord } from "../src/ports/store-records.js";
import { aDelivery, aWait, T0 } from "../test/contract/store-fixtures.js";

/**
 * What SQLite's page cache size (`storage.cacheMb`) costs a callback accept when the waits it
 * closes are spread over a large table, the worst case for a small cache (issue 15):
 *
 *   node --import tsx bench/sqlite-cache.ts [--open 100000] [--accepts 5000] [--sizes 16,4,2] [--rounds 2]
 *
 * For each size (rounds alternate between them), a fresh SQLite file gets `--open` open waits,
 * then `--accepts` of them are closed in random order through the store's `acceptCallback`, 20 at
 * a time (one group commit each, as under HTTP load). It prints the process CPU per accept and the
 * read system calls per accept (`/proc/self/io`: a page SQLite's cache missed is a `pread` from
 * the OS cache), and the resident memory SQLite's cache adds is the difference in `--sizes`.
 */
const { values: opts } = parseArgs({
  options: {
    open: { type: "string", default: "100000" },
    accepts: { type: "string", default: "5000" },
    sizes: { type: "string", default: "16,4,2" },
    rounds: { type: "string", default: "2" },
  },
});
const openCount = Number(opts.open);
const acceptCount = Number(opts.accepts);
const sizes = opts.sizes.split(",").map(Number);
const rounds = Number(opts.rounds);

const output = { sampleId: "S-1", note: "x".repeat(900), values: [1, 2, 3] };
const aWaitOpenAllDay = () => aWait({ expiresAt: T0 + 86_400_000 });

function readSyscalls(): number {
  const m = /^syscr: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"));
  return m ? Number(m[1]) : Number.NaN;
}

async function round(cacheMb: number): Promise<{ cpuUs: number; reads: number }> {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-sqlite-cache-"));
  const store = await openSqliteStore({ path: join(dir, "t.db"), cacheMb });
  try {
    const waits: WaitRecord[] = [];
    for (let i = 0; i < openCount; i += 500) {
      const batch = Array.from({ length: Math.min(500, openCount - i) }, aWaitOpenAllDay);
      await Promise.all(batch.map((w) => store.createWait(w)));
      waits.push(...batch);
    }
    // Fisher-Yates: the first `acceptCount` after shuffling are closed, in that order.
    for (let i = waits.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [waits[i], waits[j]] = [waits[j] as WaitRecord, waits[i] as WaitRecord];
    }
    const cpu0 = process.cpuUsage();
    const reads0 = readSyscalls();
    for (let i = 0; i < acceptCount; i += 20) {
      await Promise.all(
        waits.slice(i, i + 20).map((wait) =>
          store.acceptCallback({
            waitId: wait.id,
            now: T0 + 1,
            delivery: aDelivery(wait, { update: { status: "COMPLETED", output } }),
          }),
        ),
      );
    }
    const cpu = process.cpuUsage(cpu0);
    return { cpuUs: (cpu.user + cpu.system) / acceptCount, reads: (readSyscalls() - reads0) / acceptCount };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<number, { cpuUs: number; reads: number }[]>(sizes.map((s) => [s, []]));
for (let r = 0; r < rounds; r++) {
  for (const size of sizes) {
    const result = await round(size);
    results.get(size)?.push(result);
    process.stderr.write(
      `round ${r + 1}, cache ${size} MiB: ${result.cpuUs.toFixed(0)} µs CPU, ${result.reads.toFixed(2)} reads per accept\n`,
    );
  }
}
console.log(
  `${acceptCount} accepts in random order over ${openCount} open waits, 20 per commit (load average ${loadavg()[0]?.toFixed(2)}):`,
);
for (const [size, rs] of results) {
  const cpu = rs.map((r) => r.cpuUs.toFixed(0)).join(" / ");
  const reads = rs.map((r) => r.reads.toFixed(2)).join(" / ");
  console.log(
    `  cache ${String(size).padStart(4)} MiB: CPU µs per accept ${cpu}; read syscalls per accept ${reads}`,
  );
}
