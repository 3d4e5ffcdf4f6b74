import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { callbackBody } from "./body.js";

/**
 * What the audit chain costs a callback's store step, paired in one process:
 *
 *   node --import tsx bench/audit-cost.ts [--repo DIR] [--trials 40] [--per-trial 200]
 *
 * Opens two SQLite files (WAL, synchronous=normal) with the built store of `--repo` (its dist/,
 * default this checkout) and alternates batches between them: on one, each callback's step
 * closes its wait and stores its delivery with no audit entry; on the other, with its
 * `callback.received` entry, and after each batch whatever sealing the store needs (nothing when
 * it links entries as it writes them) is done and counted in the batch. Each batch sends
 * `--per-trial` waits and then their callbacks at once (so they share commits, as under load) and
 * measures the process CPU of it all. Alternating batch by batch puts whatever else the machine
 * does on both sides alike. Prints the mean CPU per callback of each side and the difference: the
 * audit chain's cost per accepted callback, to set against the whole accept's CPU
 * (`bench/accept-cpu.ts`).
 */
const { values: opts } = parseArgs({
  options: {
    repo: { type: "string", default: resolve(import.meta.dirname, "..") },
    trials: { type: "string", default: "40" },
    "per-trial": { type: "string", default: "200" },
  },
});
const repo = resolve(opts.repo);
const trials = Number(opts.trials);
const perTrial = Number(opts["per-trial"]);

type Row = Record<string, unknown>;
interface Store {
  createWait(w: Row): Promise<boolean>;
  acceptCallback(input: {
    waitId: string;
    now: number;
    delivery: Row;
    audit: Row[];
  }): Promise<{ kind: string }>;
  audit: unknown;
  close(): Promise<void>;
}
const { openSqliteStore } = (await import(join(repo, "dist/adapters/sql/sqlite.js"))) as {
  openSqliteStore(o: { path: string; synchronous: "normal" }): Promise<Store>;
};
const { sealAll } = (await import(join(repo, "dist/services/audit-sealer.js"))) as {
  sealAll(audit: unknown, maxSteps?: number, sha256?: (s: string) => Promise<string>): Promise<number>;
};
const { nodeSha256Hex } = (await import(join(repo, "dist/adapters/runtime/node-sha256.js"))) as {
  nodeSha256Hex: (s: string) => Promise<string>;
};
const { uuid7Ids } = (await import(join(repo, "dist/adapters/runtime/uuid7-ids.js"))) as {
  uuid7Ids(clock: { now(): number }): { newId(): string };
};

const dir = mkdtempSync(join(tmpdir(), "taskgate-audit-cost-"));
const plain = await openSqliteStore({ path: join(dir, "plain.db"), synchronous: "normal" });
const audited = await openSqliteStore({ path: join(dir, "audited.db"), synchronous: "normal" });
const output = (JSON.parse(callbackBody(1024)) as { output: Row }).output;
// Ids as the gateway draws them (random bytes from a pool): one getRandomValues call per id
// would charge the audited side, which draws one more id per callback, for the bench's own cost.
const ids = uuid7Ids({ now: () => Date.now() });
const newId = () => ids.newId();

function aWait(now: number): Row {
  return {
    id: newId(),
    taskId: crypto.randomUUID(),
    executionId: crypto.randomUUID(),
    taskExternalId: "approve",
    source: null,
    correlationKey: null,
    status: "open",
    output: null,
    metadata: null,
    createdAt: now,
    expiresAt: now + 3_600_000,
    closedAt: null,
    deliveryId: null,
    closedWithHash: null,
  };
}

function aDelivery(wait: Row, now: number): Row {
  return {
    id: newId(),
    waitId: wait.id,
    taskId: wait.taskId,
    executionId: wait.executionId,
    source: null,
    correlationKey: null,
    dedupeKey: null,
    parkUntil: null,
    reason: null,
    status: "pending",
    update: { status: "COMPLETED", output },
    contentHash: "f".repeat(64),
    attempts: 0,
    claims: 0,
    nextAttemptAt: now,
    deliverUntil: now + 3_600_000,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    lastStatus: null,
    lastRequestId: null,
    createdAt: now,
    updatedAt: now,
  };
}

const received = (wait: Row, delivery: Row, now: number): Row => ({
  id: newId(),
  kind: "callback.received",
  at: now,
  actor: "callback",
  waitId: wait.id,
  deliveryId: delivery.id,
  approvalId: null,
  data: {
    status: "COMPLETED",
    taskId: wait.taskId,
    bodySha256: "e".repeat(64),
    ip: "127.0.0.1",
    userAgent: "bench",
  },
});

async function batch(store: Store, withAudit: boolean): Promise<number> {
  const now = Date.now();
  const waits = Array.from({ length: perTrial }, () => aWait(now));
  const steps = waits.map((w) => {
    const d = aDelivery(w, now);
    return { waitId: w.id as string, now, delivery: d, audit: withAudit ? [received(w, d, now)] : [] };
  });
  // The waits are created in the measured part too: the WAL checkpoints that SQLite runs every
  // ~4 MB land in whichever commit crosses the line, so only the whole write path, summed over
  // the run, charges each side what its writes cost.
  const start = process.cpuUsage();
  await Promise.all(waits.map((w) => store.createWait(w)));
  const results = await Promise.all(steps.map((s) => store.acceptCallback(s)));
  if (withAudit) await sealAll(store.audit, 1_000, nodeSha256Hex);
  const used = process.cpuUsage(start);
  if (results.some((r) => r.kind !== "accepted")) throw new Error("a callback was not accepted");
  return (used.user + used.system) / perTrial;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sides = { plain: [] as number[], audited: [] as number[] };
// Warm-up: a few batches each, not counted.
for (let i = 0; i < 3; i++) {
  await batch(plain, false);
  await batch(audited, true);
}
for (let i = 0; i < trials; i++) {
  // Alternate which side goes first, so neither always follows the other's garbage.
  if (i % 2 === 0) {
    sides.plain.push(await batch(plain, false));
    sides.audited.push(await batch(audited, true));
  } else {
    sides.audited.push(await batch(audited, true));
    sides.plain.push(await batch(plain, false));
  }
}
await plain.close();
await audited.close();
rmSync(dir, { recursive: true, force: true });
const p = mean(sides.plain);
const a = mean(sides.audited);
console.log(
  `CPU µs per callback (create its wait, accept it, seal): without audit ${p.toFixed(1)}, with audit ${a.toFixed(1)}; ` +
    `audit cost ${(a - p).toFixed(1)} µs (${(((a - p) / p) * 100).toFixed(0)} % of the store's work) ` +
    `(means of ${trials} alternating batches of ${perTrial}; load average ${loadavg()[0]!.toFixed(2)})`,
);
