import SqliteDatabase from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { runAuditCommand } from "../src/cli/audit-command.js";
import type { ChildGateway } from "./support/gateways.js";
import { Resources } from "./support/resources.js";
import type { HttpAnswer } from "./support/taskgate-api.js";

const ROUNDS = 3;
const EACH = 8;

type Answer = HttpAnswer<{ deliveryId: string; outcome: string }>;

interface Acked {
  via: "callback" | "webhook";
  deliveryId: string;
  outcome: string;
  waitId: string | null;
}

interface Row {
  id: string;
  kind: string;
  wait_id: string | null;
  delivery_id: string | null;
  seq: number | null;
}

/**
 * Issue 12: the audit chain across kill -9. The real gateway (`taskgate serve`, a SQLite file)
 * takes a stream of callbacks and webhooks (matched, ignored, parked) and is killed with SIGKILL
 * mid-stream, several times, then restarted on the same file. Afterwards `taskgate audit verify`
 * passes, every acknowledged request has its `*.received` entry and its state change, and no
 * entry exists without its change (nor a change without its entry).
 */
describe("audit log across kill -9", () => {
  const resources = new Resources();
  afterAll(() => resources.cleanup());

  it("keeps one valid chain with an entry for every change, and no entry without one", async () => {
    const cdf = await resources.cdf();
    const config = resources.config({
      cdfUrl: cdf.url,
      project: cdf.project,
      forwarder: { lease: "2s", concurrency: 4, pollInterval: "200ms" },
      sources: {
        lims: {
          verify: { scheme: "none", allowUnsigned: true },
          correlationKey: "key",
          status: "kind = 'done' ? 'COMPLETED' : null",
          dedupeKey: "id",
          parkUnmatchedFor: "1h",
        },
      },
    });
    const hook = (gw: ChildGateway, body: Record<string, unknown>) =>
      gw.api.request<Answer["body"]>("POST", "/hooks/lims", body, false);
    const acked: Acked[] = [];
    let refused = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const gw = await resources.childGateway(config);
      const newWait = async (extra: Record<string, unknown> = {}) =>
        // With the execution id known, an update CDF applied just before a kill is reconciled.
        gw.api.createWait({ ...(await cdf.newTask()), ...extra });
      const plain = await Promise.all(Array.from({ length: EACH }, () => newWait()));
      const keyed = await Promise.all(
        Array.from({ length: EACH }, (_, i) =>
          newWait({ source: "lims", correlationKey: `r${round}-k${i}` }),
        ),
      );
      const requests: (() => Promise<Acked | undefined>)[] = [
        ...plain.map((w) => async () => {
          const a = await gw.api.callback(w.callbackUrl, { status: "COMPLETED", output: { round } });
          return a.status === 202 ? { via: "callback" as const, ...a.body, waitId: w.id } : undefined;
        }),
        ...keyed.map((w, i) => async () => {
          const a = await hook(gw, { id: `r${round}-m${i}`, key: `r${round}-k${i}`, kind: "done" });
          return a.status === 202 ? { via: "webhook" as const, ...a.body, waitId: w.id } : undefined;
        }),
        ...Array.from({ length: EACH }, (_, i) => async () => {
          const a = await hook(gw, { id: `r${round}-i${i}`, key: "x", kind: "noise" });
          return a.status === 202 ? { via: "webhook" as const, ...a.body, waitId: null } : undefined;
        }),
        ...Array.from({ length: EACH }, (_, i) => async () => {
          const a = await hook(gw, { id: `r${round}-p${i}`, key: `r${round}-nobody${i}`, kind: "done" });
          return a.status === 202 ? { via: "webhook" as const, ...a.body, waitId: null } : undefined;
        }),
      ];
      // Everything at once; SIGKILL as soon as half is acknowledged.
      let n = 0;
      await Promise.all(
        requests.map((send) =>
          send().then(
            (a) => {
              if (!a) {
                refused++;
                return;
              }
              acked.push(a);
              if (++n === requests.length / 2) gw.kill("SIGKILL");
            },
            () => {}, // the connection died with the process: not acknowledged
          ),
        ),
      );
      expect((await gw.exited).signal).toBe("SIGKILL");
    }
    expect(refused).toBe(0);
    expect(acked.length).toBeGreaterThanOrEqual((ROUNDS * 4 * EACH) / 2);

    // Restarted once more: it forwards what is left, then stops cleanly (the sealer's last pass).
    const last = await resources.childGateway(config);
    const deadline = Date.now() + 60_000;
    while ((await last.api.deliveries("pending")).length > 0) {
      if (Date.now() > deadline) throw new Error("deliveries still pending after 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    last.kill("SIGTERM");
    expect((await last.exited).code).toBe(0);

    Object.assign(process.env, config.env);
    const out: string[] = [];
    const code = await runAuditCommand({
      sub: "verify",
      config: config.path,
      out: (l) => out.push(l),
      err: (l) => out.push(l),
    });
    expect(out.join("\n")).toMatch(
      /^audit chain OK: \d+ entries verified in \d+ ms, head \d+ [0-9a-f]{64}; 0 not sealed yet$/,
    );
    expect(code).toBe(0);

    const db = new SqliteDatabase(config.databasePath, { readonly: true });
    try {
      const entries = db.prepare("select id, kind, wait_id, delivery_id, seq from audit").all() as Row[];
      const deliveries = new Map(
        (
          db.prepare("select id, status, wait_id from deliveries").all() as {
            id: string;
            status: string;
            wait_id: string | null;
          }[]
        ).map((d) => [d.id, d]),
      );
      const waits = new Map(
        (db.prepare("select id, status from waits").all() as { id: string; status: string }[]).map((w) => [
          w.id,
          w,
        ]),
      );
      const attempts = db.prepare("select delivery_id from attempts").all() as { delivery_id: string }[];
      const received = new Map<string, Row[]>();
      for (const e of entries) {
        if ((e.kind === "callback.received" || e.kind === "webhook.received") && e.delivery_id) {
          received.set(e.delivery_id, [...(received.get(e.delivery_id) ?? []), e]);
        }
      }

      // Every acknowledged request: its entry and its change.
      for (const a of acked) {
        const d = deliveries.get(a.deliveryId);
        expect(d, `delivery ${a.deliveryId} (${a.via}, ${a.outcome})`).toBeDefined();
        expect(received.get(a.deliveryId)?.map((e) => e.kind)).toEqual([`${a.via}.received`]);
        if (a.outcome === "queued") {
          expect(d!.status).toBe("delivered");
          expect(waits.get(a.waitId!)?.status).toBe("closed");
        } else {
          expect(d!.status).toBe(a.outcome);
        }
      }
      // No change without its entry: each delivery, wait and attempt has one.
      for (const id of deliveries.keys()) expect(received.get(id), `delivery ${id}`).toHaveLength(1);
      const created = new Set(entries.filter((e) => e.kind === "wait.created").map((e) => e.wait_id));
      for (const id of waits.keys()) expect(created.has(id), `wait ${id}`).toBe(true);
      const countBy = (ids: (string | null)[]) => {
        const m = new Map<string, number>();
        for (const id of ids) if (id) m.set(id, (m.get(id) ?? 0) + 1);
        return m;
      };
      const attemptEntries = entries.filter((e) => e.kind.startsWith("delivery."));
      expect(countBy(attemptEntries.map((e) => e.delivery_id))).toEqual(
        countBy(attempts.map((a) => a.delivery_id)),
      );
      // No entry without its change.
      for (const e of entries) {
        if (e.kind === "wait.created") expect(waits.has(e.wait_id!), `${e.kind} ${e.id}`).toBe(true);
        if (e.kind.endsWith(".received"))
          expect(deliveries.has(e.delivery_id!), `${e.kind} ${e.id}`).toBe(true);
      }
      expect(entries.every((e) => e.seq !== null)).toBe(true);
      console.info(
        `audit across kill -9: ${ROUNDS} kills, ${acked.length} acknowledged, ${deliveries.size} deliveries, ` +
          `${waits.size} waits, ${attempts.length} attempts, ${entries.length} entries, all sealed and verified`,
      );
    } finally {
      db.close();
    }
  }, 240_000);
});
