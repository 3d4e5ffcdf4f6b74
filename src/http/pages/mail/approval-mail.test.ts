import { describe, expect, it } from "vitest";
import type { ApprovalRecord } from "../../../ports/approval-store.js";
import { approvalMessage } from "./approval-mail.js";

const NOW = Date.UTC(2026, 10, 28, 12, 0);
const LINK = "https://taskgate.test/a/token-for-ada";

function approval(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: "apr-1",
    taskId: "task-1",
    executionId: null,
    taskExternalId: "approve_restart",
    title: "Restart pump P-101",
    description: null,
    requestedBy: null,
    policy: { kind: "any" },
    approvers: [{ email: "ada@example.com", name: "Ada", tokenId: "t1" }],
    onReject: "fail",
    onExpire: "fail",
    notify: true,
    status: "pending",
    metadata: null,
    createdAt: NOW - 3_600_000,
    expiresAt: NOW + 23 * 3_600_000,
    closedAt: null,
    deliveryId: null,
    version: 0,
    decisions: [],
    ...over,
  };
}

describe("approval mail", () => {
  it("escapes the title and names in the HTML part", async () => {
    const m = await approvalMessage({
      approval: approval({
        title: "<img src=x onerror=alert(1)>",
        approvers: [{ email: "ada@example.com", name: '"><script>x</script>', tokenId: "t1" }],
      }),
      approverIndex: 0,
      link: LINK,
      now: NOW,
    });
    expect(m.html).not.toContain("<img src=x");
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
