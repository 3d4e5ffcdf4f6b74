import { afterAll, describe, expect, it } from "vitest";
import { isUpdate, taskOfUpdate, updatesOf } from "./support/cdf.js";
import { eventually } from "./support/eventually.js";
import type { ChildGateway } from "./support/gateways.js";
import { Resources } from "./support/resources.js";
import type { TaskgateApi } from "./support/taskgate-api.js";
import { deliverOne } from "./support/warm-up.js";

/** Approvals with policy `any` and one approver: one decision ends each. */
const SINGLE = 30;
/** Approvals with policy `all` and two approvers: the first decides before the crash phase. */
const PAIRS = 5;
const UPDATE_LATENCY_MS = 200;

interface ApprovalAnswer {
  id: string;
  status: string;
  taskId: string;
  executionId: string | null;
  decisions: { email: string; decision: string }[];
  deliveryId: string | null;
  links?: { email: string; url: string }[];
}

interface Case {
  i: number;
  kind: "any" | "all";
  taskId: string;
  executionId: string;
  approvalId: string;
  /** The approvers' emails, in the order their decisions must appear in the update. */
  emails: string[];
  /** The link whose decision is posted in the crash phase (the last approver's). */
  link: string;
  status?: number;
  error?: unknown;
}

interface CdfUpdateBody {
  status: string;
  output: { approval: { id: string; outcome: string; decisions: { email: string; decision: string }[] } };
}

/**
 * DESIGN §5 crash safety for approvals: a decision, the approval's ending and the delivery to CDF
 * are one store step before the 200. `taskgate serve` (a real process on a SQLite file) is killed
 * with SIGKILL while decisions arrive and their task updates are in flight; restarted on the same
 * database, every acknowledged decision reaches CDF exactly once, an unacknowledged one is either
 * wholly there (approved and delivered) or wholly absent (pending, task untouched), and posting it
 * again is safe.
 */
describe("kill -9 while approval decisions arrive, then restart on the same database", () => {
  const resources = new Resources();
  afterAll(() => resources.cleanup());

  it("loses no acknowledged decision and completes every task exactly once", async () => {
    const cdf = await resources.cdf();
    const config = resources.config({
      cdfUrl: cdf.url,
      project: cdf.project,
      forwarder: { lease: "2s", concurrency: 4, pollInterval: "200ms" },
    });
    const first = await resources.childGateway(config);

    // Warm up, so the token is cached and updates leave the moment a decision is recorded.
    await deliverOne(cdf, first.api);
    await cdf.addFault({ path: "/workflows/tasks/", latencyMs: UPDATE_LATENCY_MS, times: 0 });

    const cases: Case[] = await Promise.all(
      Array.from({ length: SINGLE + PAIRS }, async (_, i): Promise<Case> => {
        const kind = i < SINGLE ? "any" : "all";
        const { executionId, taskId } = await cdf.newTask();
        const emails =
          kind === "any" ? [`solo-${i}@example.com`] : [`first-${i}@example.com`, `second-${i}@example.com`];
        // With the execution id known, an update CDF applied just before the crash is reconciled.
        const created = await first.api.request<ApprovalAnswer>("POST", "/v1/approvals", {
          taskId,
          executionId,
          title: `crash approval ${i}`,
          approvers: emails.map((email) => ({ email })),
          policy: { kind },
          notify: false,
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const links = created.body.links!;
        expect(links.map((l) => l.email)).toEqual(emails);
        if (kind === "all") {
          // The first approver decides (and is acknowledged) before the crash phase.
          expect(await decide(first.api, links[0]!.url)).toBe(200);
          const halfway = await approval(first.api, created.body.id);
          expect(halfway).toMatchObject({ status: "pending", deliveryId: null });
          expect(halfway.decisions.map((d) => d.email)).toEqual([emails[0]]);
        }
        return { i, kind, taskId, executionId, approvalId: created.body.id, emails, link: links.at(-1)!.url };
      }),
    );
    for (const c of cases) expect((await cdf.task(c.taskId)).status, `task of ${c.i}`).toBe("IN_PROGRESS");

    // Fire every decision at once; SIGKILL the gateway as soon as half are acknowledged.
    const half = Math.ceil(cases.length / 2);
    let acknowledged = 0;
    let inFlightAtKill: string[] = [];
    let killedAt = 0;
    const kill = (gateway: ChildGateway) => {
      killedAt = Date.now();
      inFlightAtKill = cdf.emulator.requests.filter((e) => isUpdate(e) && e.status === 0).map(taskOfUpdate);
      gateway.kill("SIGKILL");
    };
    await Promise.all(
      cases.map((c) =>
        decide(first.api, c.link).then(
          (status) => {
            c.status = status;
            if (status === 200 && ++acknowledged === half) kill(first);
          },
          (error: unknown) => {
            c.error = error;
          },
        ),
      ),
    );
    const exit = await first.exited;
    expect(exit.signal).toBe("SIGKILL");

    const acked = cases.filter((c) => c.status === 200);
    const unacked = cases.filter((c) => c.status !== 200);
    // Anything other than a 200 must be a dead connection, never an error answer.
    for (const c of unacked) expect(c.status, `decision ${c.i} answered ${c.status}`).toBeUndefined();
    expect(acked.length).toBeGreaterThanOrEqual(half);
    expect(unacked.length).toBeGreaterThan(0);

    // Restart on the same database; leases of the dead process run out within 2 s. Settled: every
    // approval is either pending or approved with its delivery delivered, and nothing is queued.
    const second = await resources.childGateway(config);
    const restartedAt = Date.now();
    const settle = () =>
      eventually(
        async () => {
          const states = await Promise.all(cases.map((c) => approval(second.api, c.approvalId)));
          for (const [k, a] of states.entries()) {
            expect(["pending", "approved"], `approval of ${cases[k]!.i}`).toContain(a.status);
            if (a.status === "approved") {
              expect(a.deliveryId).not.toBeNull();
              const d = await second.api.delivery(a.deliveryId!);
              expect(d.status, `delivery of approval ${cases[k]!.i}`).toBe("delivered");
            }
          }
          expect(await second.api.deliveries("pending")).toEqual([]);
          return states;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: "the restarted gateway to deliver every ended approval" },
      );
    const afterCrash = await settle();
    const recoveredMs = Date.now() - restartedAt;
    let log = await cdf.requests();

    const expectCompletedOnce = async (c: Case, a: ApprovalAnswer, what: string) => {
      expect(a.status, what).toBe("approved");
      expect(
        a.decisions.map((d) => [d.email, d.decision]),
        what,
      ).toEqual(c.emails.map((e) => [e, "approve"]));
      const task = await cdf.task(c.taskId);
      expect(task.status, what).toBe("COMPLETED");
      const ok = updatesOf(log, c.taskId).filter((u) => u.status === 200);
      expect(ok, what).toHaveLength(1);
      const body = ok[0]!.body as CdfUpdateBody;
      expect(body.status, what).toBe("COMPLETED");
      expect(body.output.approval.id, what).toBe(c.approvalId);
      expect(body.output.approval.outcome, what).toBe("approved");
      expect(
        body.output.approval.decisions.map((d) => [d.email, d.decision]),
        what,
      ).toEqual(c.emails.map((e) => [e, "approve"]));
      expect(task.output).toMatchObject({
        approval: { id: c.approvalId, outcome: "approved" },
        taskgate: { source: "approval", approvalId: c.approvalId, deliveryId: a.deliveryId },
      });
    };

    // Every acknowledged decision: approved, its task COMPLETED by exactly one successful update.
    for (const c of acked) {
      await expectCompletedOnce(c, afterCrash[cases.indexOf(c)]!, `acknowledged decision ${c.i} (${c.kind})`);
    }

    // Every unacknowledged decision is all there or not there at all: approved and delivered once,
    // or still pending with the task untouched (no update sent for it, ever).
    const storedBeforeCrash = unacked.filter((c) => afterCrash[cases.indexOf(c)]!.status === "approved");
    const lostWithCrash = unacked.filter((c) => afterCrash[cases.indexOf(c)]!.status === "pending");
    for (const c of storedBeforeCrash) {
      await expectCompletedOnce(c, afterCrash[cases.indexOf(c)]!, `unacknowledged decision ${c.i}, stored`);
    }
    for (const c of lostWithCrash) {
      const what = `unacknowledged decision ${c.i}, not stored`;
      const a = afterCrash[cases.indexOf(c)]!;
      expect(a.deliveryId, what).toBeNull();
      expect(
        a.decisions.map((d) => d.email),
        what,
      ).toEqual(c.emails.slice(0, -1));
      expect((await cdf.task(c.taskId)).status, what).toBe("IN_PROGRESS");
      expect(updatesOf(log, c.taskId), what).toEqual([]);
    }
    // The inverse: no task was updated behind a pending approval.
    for (const taskId of inFlightAtKill) {
      const c = cases.find((x) => x.taskId === taskId);
      if (c)
        expect(afterCrash[cases.indexOf(c)]!.status, `approval ${c.i} updated in flight`).toBe("approved");
    }

    // Each unacknowledged decision, posted again to the restarted gateway: 200 (recorded now, or
    // already decided), and its approval ends approved with exactly one update.
    const retried = await Promise.all(unacked.map((c) => decide(second.api, c.link)));
    expect(retried).toEqual(unacked.map(() => 200));
    const settled = await settle();
    log = await cdf.requests();
    for (const c of cases) {
      await expectCompletedOnce(c, settled[cases.indexOf(c)]!, `decision ${c.i} (${c.kind}) after the retry`);
    }
    // The approvals stored before the crash did not change with the retry.
    // (Its delivery's progress, and the summary that reports it, may move on: that is CDF's side.)
    const decided = (a: unknown) => {
      const { delivery: _delivery, summary: _summary, ...rest } = a as Record<string, unknown>;
      return rest;
    };
    for (const c of storedBeforeCrash) {
      expect(decided(settled[cases.indexOf(c)]), `approval ${c.i}`).toEqual(
        decided(afterCrash[cases.indexOf(c)]),
      );
    }

    // No task anywhere got two successful updates; nothing is left pending or dead.
    const successes = new Map<string, number>();
    for (const e of log.filter((x) => isUpdate(x) && x.status === 200)) {
      successes.set(taskOfUpdate(e), (successes.get(taskOfUpdate(e)) ?? 0) + 1);
    }
    expect([...successes.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(successes.size).toBe(cases.length + 1);
    expect(await second.api.deliveries("pending")).toEqual([]);
    expect(await second.api.deliveries("dead")).toEqual([]);

    const reconciled = (await Promise.all(settled.map((a) => second.api.delivery(a.deliveryId!)))).filter(
      (d) => d.history.some((h) => h.outcome === "reconciled"),
    );
    console.info(
      `approval crash test: ${acked.length} acknowledged, ${unacked.length} not (` +
        `${storedBeforeCrash.length} of them stored before the crash, ${lostWithCrash.length} lost with it ` +
        `and recorded on retry), ${inFlightAtKill.length} updates in flight at the kill, ` +
        `${reconciled.length} reconciled after restart; the new gateway listened ${restartedAt - killedAt} ms ` +
        `after the kill and had settled ${recoveredMs} ms later`,
    );
  }, 40_000);
});

/** Submits an approver's form (`decision=approve`) to a link on this gateway; resolves the HTTP status. */
async function decide(api: TaskgateApi, link: string): Promise<number> {
  const res = await fetch(`${api.baseUrl}${new URL(link).pathname}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ decision: "approve" }).toString(),
  });
  await res.text();
  return res.status;
}

async function approval(api: TaskgateApi, id: string): Promise<ApprovalAnswer> {
  const res = await api.request<ApprovalAnswer>("GET", `/v1/approvals/${id}`);
  if (res.status !== 200)
    throw new Error(`GET approval ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
