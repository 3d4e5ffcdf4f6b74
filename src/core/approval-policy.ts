/**
 * Approval policies, as pure functions: given the policy, how many approvers there are and the
 * decisions so far (in the order the store serialised them), is there an outcome yet?
 */

export type Decision = "approve" | "reject";

export type ApprovalPolicy = { kind: "any" } | { kind: "all" } | { kind: "quorum"; count: number };

/** pending until an outcome; cancelled by the API (CDF is not told, like a cancelled wait). */
export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired" | "cancelled";

/** How an approval ended. `expired` is reached only by the clock, never by a decision. */
export type ApprovalOutcome = "approved" | "rejected" | "expired";

/** How many approvals the policy needs out of `approvers`. */
export function approvalsNeeded(policy: ApprovalPolicy, approvers: number): number {
  switch (policy.kind) {
    case "any":
      return 1;
    case "all":
      return approvers;
    case "quorum":
      return policy.count;
  }
}

/**
 * The outcome the decisions reach, or null while it is still open.
 * - any: the first decision decides, whichever it is.
 * - all: every approver must approve; one rejection rejects at once.
 * - quorum(n): n approvals approve; it rejects as soon as n can no longer be reached.
 * Decisions after the first outcome do not change it (the store refuses them anyway).
 */
export function outcomeOf(
  policy: ApprovalPolicy,
  approvers: number,
  decisions: readonly { decision: Decision }[],
): Exclude<ApprovalOutcome, "expired"> | null {
  if (policy.kind === "any") {
    const first = decisions[0];
    return first === undefined ? null : first.decision === "approve" ? "approved" : "rejected";
  }
  const needed = approvalsNeeded(policy, approvers);
  let approved = 0;
  let rejected = 0;
  for (const d of decisions) {
    if (d.decision === "approve") approved += 1;
    else rejected += 1;
    if (approved >= needed) return "approved";
    if (approvers - rejected < needed) return "rejected";
  }
  return null;
}

/** A problem with the policy for this many approvers, or null when it is usable. */
export function policyProblem(policy: ApprovalPolicy, approvers: number): string | null {
  if (approvers < 1) return "at least one approver is required";
  if (policy.kind !== "quorum") return null;
  if (!Number.isInteger(policy.count) || policy.count < 1) return "policy.count must be a positive integer";
  if (policy.count > approvers)
    return `policy.count (${policy.count}) is more than the number of approvers (${approvers})`;
  return null;
}

/** Words for people: shown on the page and in the mail. */
export function describePolicy(policy: ApprovalPolicy, approvers: number): string {
  switch (policy.kind) {
    case "any":
      return approvers === 1 ? "One approver decides." : "The first approver to answer decides.";
    case "all":
      return approvers === 1
        ? "One approver decides."
        : `All ${approvers} approvers must approve; one rejection rejects.`;
    case "quorum":
      return `${policy.count} of ${approvers} approvals are needed.`;
  }
}
