import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ApprovalPolicy,
  type Decision,
  describePolicy,
  outcomeOf,
  policyProblem,
} from "./approval-policy.js";

const A: Decision = "approve";
const R: Decision = "reject";
const seq = (...ds: Decision[]) => ds.map((decision) => ({ decision }));

describe("outcomeOf", () => {
  const cases: [string, ApprovalPolicy, number, Decision[], ReturnType<typeof outcomeOf>][] = [
    ["any: nothing yet", { kind: "any" }, 3, [], null],
    ["any: first approval decides", { kind: "any" }, 3, [A], "approved"],
    ["any: first rejection decides", { kind: "any" }, 3, [R], "rejected"],
    ["any: later decisions do not change the first", { kind: "any" }, 3, [R, A, A], "rejected"],
    ["all: one approval of three is not enough", { kind: "all" }, 3, [A], null],
    ["all: two of three still open", { kind: "all" }, 3, [A, A], null],
    ["all: three of three approve", { kind: "all" }, 3, [A, A, A], "approved"],
    ["all: one rejection rejects at once", { kind: "all" }, 3, [R], "rejected"],
    ["all: a rejection after approvals rejects", { kind: "all" }, 3, [A, A, R], "rejected"],
    ["all: a single approver", { kind: "all" }, 1, [A], "approved"],
    ["quorum 2/3: one approval open", { kind: "quorum", count: 2 }, 3, [A], null],
    ["quorum 2/3: two approvals approve", { kind: "quorum", count: 2 }, 3, [A, R, A], "approved"],
    ["quorum 2/3: one rejection leaves it reachable", { kind: "quorum", count: 2 }, 3, [R], null],
    ["quorum 2/3: two rejections make it unreachable", { kind: "quorum", count: 2 }, 3, [R, R], "rejected"],
    ["quorum 2/3: approve then two rejections", { kind: "quorum", count: 2 }, 3, [A, R, R], "rejected"],
    ["quorum 3/5: two rejections leave three", { kind: "quorum", count: 3 }, 5, [R, R], null],
    ["quorum 3/5: three rejections end it", { kind: "quorum", count: 3 }, 5, [R, R, R], "rejected"],
    ["quorum 1/4 behaves like any for approvals", { kind: "quorum", count: 1 }, 4, [R, A], "approved"],
    ["quorum 1/4 rejects only when all reject", { kind: "quorum", count: 1 }, 4, [R, R, R], null],
    ["quorum 1/4: four rejections", { kind: "quorum", count: 1 }, 4, [R, R, R, R], "rejected"],
    ["quorum n/n is all", { kind: "quorum", count: 2 }, 2, [A, R], "rejected"],
  ];
  it.each(cases)("%s", (_, policy, approvers, decisions, expected) => {
    expect(outcomeOf(policy, approvers, seq(...decisions))).toBe(expected);
  });

  const policies = fc.integer({ min: 1, max: 7 }).chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.oneof(
        fc.constant<ApprovalPolicy>({ kind: "any" }),
        fc.constant<ApprovalPolicy>({ kind: "all" }),
        fc.integer({ min: 1, max: n }).map((count): ApprovalPolicy => ({ kind: "quorum", count })),
      ),
      fc.array(fc.constantFrom(A, R), { minLength: n, maxLength: n }),
    ),
  );

  it("always reaches an outcome once every approver has decided", () => {
    fc.assert(
      fc.property(policies, ([n, policy, ds]) => {
        expect(outcomeOf(policy, n, seq(...ds))).not.toBeNull();
      }),
    );
  });

  it("decides at the earliest decision that settles it, and never changes its mind after", () => {
    fc.assert(
      fc.property(policies, ([n, policy, ds]) => {
        const outcomes = ds.map((_, i) => outcomeOf(policy, n, seq(...ds.slice(0, i + 1))));
        const first = outcomes.findIndex((o) => o !== null);
        for (const o of outcomes.slice(first)) expect(o).toBe(outcomes[first]);
        // Settled means no continuation of the prefix could reach the other outcome.
        const prefix = ds.slice(0, first + 1);
        const rest = n - prefix.length;
        const allApprove = outcomeOf(policy, n, seq(...prefix, ...Array<Decision>(rest).fill(A)));
        const allReject = outcomeOf(policy, n, seq(...prefix, ...Array<Decision>(rest).fill(R)));
        expect(allApprove).toBe(outcomes[first]);
        expect(allReject).toBe(outcomes[first]);
        // And no shorter prefix was settled already.
        if (first > 0 && policy.kind !== "any") {
          const shorter = ds.slice(0, first);
          const left = n - shorter.length;
          const up = outcomeOf(policy, n, seq(...shorter, ...Array<Decision>(left).fill(A)));
          const down = outcomeOf(policy, n, seq(...shorter, ...Array<Decision>(left).fill(R)));
          expect(up).not.toBe(down);
        }
      }),
    );
  });

  it("gives every order of the same all/quorum votes the same final outcome", () => {
    const withPermutation = policies
      .filter(([, p]) => p.kind !== "any")
      .chain(([n, policy, ds]) =>
        fc
          .shuffledSubarray(ds, { minLength: ds.length, maxLength: ds.length })
          .map((shuffled) => ({ n, policy, ds, shuffled })),
      );
    fc.assert(
      fc.property(withPermutation, ({ n, policy, ds, shuffled }) => {
        expect(outcomeOf(policy, n, seq(...shuffled))).toBe(outcomeOf(policy, n, seq(...ds)));
      }),
    );
  });
});

describe("policyProblem", () => {
  it.each<[ApprovalPolicy, number, string | null]>([
    [{ kind: "any" }, 1, null],
    [{ kind: "all" }, 5, null],
    [{ kind: "quorum", count: 2 }, 3, null],
    [{ kind: "quorum", count: 3 }, 3, null],
    [{ kind: "any" }, 0, "at least one approver is required"],
    [{ kind: "quorum", count: 4 }, 3, "policy.count (4) is more than the number of approvers (3)"],
    [{ kind: "quorum", count: 0 }, 3, "policy.count must be a positive integer"],
    [{ kind: "quorum", count: 1.5 }, 3, "policy.count must be a positive integer"],
  ])("%o with %i approvers → %s", (policy, n, problem) => {
    expect(policyProblem(policy, n)).toBe(problem);
  });
});

describe("describePolicy", () => {
  it("says in words what is needed", () => {
    expect(describePolicy({ kind: "any" }, 3)).toBe("The first approver to answer decides.");
    expect(describePolicy({ kind: "all" }, 3)).toBe("All 3 approvers must approve; one rejection rejects.");
    expect(describePolicy({ kind: "quorum", count: 2 }, 3)).toBe("2 of 3 approvals are needed.");
  });
});
