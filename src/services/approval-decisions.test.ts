import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emulatedCdf } from "../../test/support/emulated-cdf.js";
import { TestClock } from "../../test/support/test-clock.js";
import { testApp } from "../../test/support/test-deps.js";
import { MemoryStore } from "../adapters/memory/memory-store.js";
import { type ApprovalPolicy, type Decision, outcomeOf } from "../core/approval-policy.js";
import type { ApprovalStore } from "../ports/approval-store.js";
import { decide, openLink } from "./approval-decisions.js";
import { createApproval } from "./approvals.js";

const policies = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    approvers: fc.constant(n),
    policy: fc.oneof(
      fc.constant<ApprovalPolicy>({ kind: "any" }),
      fc.constant<ApprovalPolicy>({ kind: "all" }),
      fc.integer({ min: 1, max: n }).map((count): ApprovalPolicy => ({ kind: "quorum", count })),
    ),
    votes: fc.array(fc.constantFrom<Decision>("approve", "reject"), { minLength: n, maxLength: n }),
  }),
);

describe("decide under any interleaving", () => {
  it("ends with one outcome that the recorded decisions reach, and exactly one delivery", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), policies, async (s, { approvers, policy, votes }) => {
        const store = new MemoryStore();
        const clock = new TestClock();
        const { deps } = testApp({ store, cdf: emulatedCdf(clock).cdf, clock });
        const { approval, links } = await createApproval(deps, {
          taskId: crypto.randomUUID(),
          title: "t",
          approvers: votes.map((_, i) => ({ email: `p${i}@x.co` })),
          policy,
        });
        const opened = await Promise.all(links.map((l) => openLink(deps, l.url.split("/a/")[1]!)));
        // Every read and every write of the approval is a step the scheduler may reorder.
        const real = store.approvals;
        const scheduled: ApprovalStore = Object.create(real);
        scheduled.getApproval = s.scheduleFunction((id: string) => real.getApproval(id));
        scheduled.advanceApproval = s.scheduleFunction(
          (input: Parameters<ApprovalStore["advanceApproval"]>[0]) => real.advanceApproval(input),
        );
        Object.defineProperty(store, "approvals", { value: scheduled });

        const results = opened.map((link, i) =>
          decide(deps, link, { decision: votes[i]!, comment: null, ip: null, userAgent: null }),
        );
        await s.waitFor(Promise.all(results));
        const kinds = await Promise.all(results);

        const final = (await real.getApproval(approval.id))!;
        const expected = outcomeOf(policy, approvers, final.decisions);
        expect(final.status).toBe(expected ?? "pending");
        // Decisions stop at the first outcome: the one before the last had none.
        if (expected) expect(outcomeOf(policy, approvers, final.decisions.slice(0, -1))).toBeNull();
        const recorded = kinds.filter((k) => k.kind === "recorded").length;
        expect(recorded).toBe(final.decisions.length);
        expect(kinds.every((k) => k.kind === "recorded" || k.kind === "too_late")).toBe(true);
        const deliveries = (await store.listDeliveries({ limit: 10 })).items;
        expect(deliveries).toHaveLength(expected ? 1 : 0);
        if (expected) {
          expect(final.deliveryId).toBe(deliveries[0]!.id);
          expect(deliveries[0]!.update.output?.approval).toMatchObject({ outcome: expected });
        }
      }),
      { numRuns: 200 },
    );
  });
});
