import { randomBytes } from "node:crypto";
import { signStandardWebhooks } from "../src/core/signatures/schemes/standard-webhooks.js";
import type { Emulator } from "../src/emulator/emulator.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway.js";
import { type LoadResult, runLoad } from "./load.js";
import { mark } from "./stats.js";

export const WEBHOOK_TARGET_RATIO = 0.4;

interface SignedHook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A LIMS sample result, padded to about `bytes` of JSON, for correlation key `key`. */
function sampleBody(key: string, bytes: number): string {
  const base = {
    type: "sample.approved",
    data: { sampleId: key, result: { value: 0.82, unit: "fraction" }, note: "" },
  };
  const room = Math.max(0, bytes - JSON.stringify(base).length);
  base.data.note = "x".repeat(room);
  return JSON.stringify(base);
}

/**
 * The signed-webhook scenario of `npm run bench`: a Standard Webhooks (HMAC) source with a JSONata
 * mapping, each request a fresh 1 KB message for a fresh open wait, committed to SQLite. Returns
 * the load result and prints its ratio to the baseline measured in the same run.
 */
export async function webhookRun(o: {
  repo: string;
  emulatorUrl: string;
  emulator: Emulator;
  baselineRps: number;
  connections: number;
  warmupSec: number;
  durationSec: number;
  line: (s?: string) => void;
  fmtLoad: (r: LoadResult) => string;
}): Promise<{ load: LoadResult; ratio: number }> {
  o.emulator.reset();
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const gw: GatewayProcess = await startGatewayProcess({
    repo: o.repo,
    cdfUrl: o.emulatorUrl,
    synchronous: "normal",
    sources: {
      lims: {
        verify: { scheme: "standard-webhooks", secrets: [secret] },
        correlationKey: "data.sampleId",
        status:
          "type = 'sample.approved' ? 'COMPLETED' : type = 'sample.rejected' ? 'FAILED_WITH_TERMINAL_ERROR' : null",
        output: "{ 'sampleId': data.sampleId, 'result': data.result }",
      },
    },
  });
  try {
    o.line(`  command: ${gw.command}`);
    const count = Math.max(4000, Math.ceil(2000 * (o.warmupSec + o.durationSec)));
    const hooks: SignedHook[] = [];
    const started = Date.now();
    let next = 0;
    const keys = Array.from({ length: count }, (_, i) => `S-${i}-${randomBytes(4).toString("hex")}`);
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        const task = o.emulator.createExecution().executedTasks[0]!;
        const res = await fetch(`${gw.url}/v1/waits`, {
          method: "POST",
          headers: { authorization: `Bearer ${gw.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ taskId: task.id, source: "lims", correlationKey: key }),
        });
        if (res.status !== 201) throw new Error(`POST /v1/waits answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const ts = Math.floor(Date.now() / 1000) + o.warmupSec + o.durationSec; // still inside the 5 min window
    for (const [i, key] of keys.entries()) {
      const body = sampleBody(key, 1024);
      const id = `msg_${i}`;
      const signature = await signStandardWebhooks(secret, id, ts, new TextEncoder().encode(body));
      hooks.push({
        path: "/hooks/lims",
        headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature },
        body,
      });
    }
    o.line(`  setup: ${count} waits and signed messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let i = 0;
    const common = {
      url: gw.url,
      nextRequest: () => hooks[i++],
      body: "{}",
      connections: o.connections,
      expectStatus: 202,
    };
    await runLoad({ ...common, durationSec: o.warmupSec, title: "webhooks warm-up" });
    const load = await runLoad({ ...common, durationSec: o.durationSec, title: "webhooks" });
    const ratio = load.rps / o.baselineRps;
    o.line(`  webhooks  ${o.fmtLoad(load)}`);
    o.line(
      `  ratio to baseline ${ratio.toFixed(3)}  [${mark(ratio >= WEBHOOK_TARGET_RATIO)} target >= ${WEBHOOK_TARGET_RATIO}]`,
    );
    return { load, ratio };
  } finally {
    await gw.proc.stop();
  }
}
