/**
 * The cost of a flood of refused webhooks (issue 11): 10,000 webhooks with a bad signature against
 * a Node gateway on a SQLite file, with the rejected-request log on and off, and as many good,
 * signed webhooks (stored as parked deliveries) for comparison. Prints time, requests per second
 * and the rows each run wrote.
 *
 *   node --import tsx bench/rejection-flood.ts [--count N] [--connections N]
 *
 * The gateway runs in this process (as local mode would), driven over real HTTP by `connections`
 * concurrent keep-alive clients; figures are for comparing the runs with each other.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { jsonLogger } from "../src/adapters/runtime/json-logger.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { localConfig } from "../src/cli/local-mode.js";
import { signStandardWebhooks } from "../src/core/signatures/standard-webhooks.js";
import { createEmulator } from "../src/emulator/emulator.js";
import { startGateway } from "../src/node.js";

const { values } = parseArgs({
  options: { count: { type: "string", default: "10000" }, connections: { type: "string", default: "50" } },
});
const COUNT = Number(values.count);
const CONNECTIONS = Number(values.connections);

type Kind = "bad-signature" | "good";

interface RunResult {
  run: string;
  requests: number;
  seconds: number;
  perSecond: number;
  statuses: Record<number, number>;
  rejectionRows: number;
  deliveryRows: number;
}

async function run(name: string, kind: Kind, logRejections: boolean, count = COUNT): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-flood-"));
  const base = localConfig(dir, 0);
  const config = {
    ...base,
    rejections: { enabled: logRejections, maxRows: 100_000 },
    // One client address sends the whole flood: the public rate limits would answer most of it 429.
    limits: { ...base.limits, perIp: 0, perSource: 0, maxInFlight: 0 },
  };
  const verify = config.sources?.demo?.verify as { secrets: string[] } | undefined;
  const secret = verify?.secrets[0] ?? "";
  const gateway = await startGateway({
    config,
    port: 0,
    emulator: createEmulator().app,
    derivePublicUrl: true,
    logger: jsonLogger({ level: "error", write: () => {}, now: Date.now }),
  });
  // Bodies and signatures are made before the clock starts, so the run measures the gateway.
  const ts = Math.floor(Date.now() / 1000);
  const requests = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const id = `msg_${name}_${i}`;
      const body = JSON.stringify({ correlationKey: `key-${i}`, status: "COMPLETED", output: { n: i } });
      const signature =
        kind === "good"
          ? await signStandardWebhooks(secret, id, ts, new TextEncoder().encode(body))
          : "v1,bm90LWEtdmFsaWQtc2lnbmF0dXJlLW5vdC1hLXZhbGlkLXNpZ25hdHVyZQ==";
      return { id, body, signature };
    }),
  );
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const status = await send(gateway.url, r, ts);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // Closing flushes the rejection log's last batch.
  await gateway.close(5_000);
  const store = await openSqliteStore({ path: join(dir, "taskgate.db") });
  const rejectionRows = await store.rejections.countRejections();
  const counts = await store.countDeliveries();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    run: name,
    requests: count,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(count / seconds),
    statuses,
    rejectionRows,
    deliveryRows: Object.values(counts).reduce((a, b) => a + b, 0),
  };
}

/**
 * One webhook; a connection reset (a keep-alive socket closed under the client on a loaded
 * machine) is retried on a fresh attempt, up to three times, and counted as status 0 after that.
 */
async function send(url: string, r: { id: string; body: string; signature: string }, ts: number) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(`${url}/hooks/demo`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": r.id,
          "webhook-timestamp": String(ts),
          "webhook-signature": r.signature,
        },
        body: r.body,
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      // retried below
    }
  }
  return 0;
}

const results: RunResult[] = [];
// Warm-up (not reported): the first gateway in the process pays for JIT and module loading.
await run("warm-up", "bad-signature", true, 2_000);
results.push(await run("bad signature, log on", "bad-signature", true));
results.push(await run("bad signature, log off", "bad-signature", false));
results.push(await run("good (parked), log on", "good", true));
console.table(results);
