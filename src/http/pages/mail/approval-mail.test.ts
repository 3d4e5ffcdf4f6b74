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

describe("approval mail: what it says", () => {
  const render = (over: Partial<ApprovalRecord> = {}) =>
    approvalMessage({ approval: approval(over), approverIndex: 0, link: LINK, now: NOW });

  it("gives who asked, the task, the expiry in UTC and relative, and the link, in both parts", async () => {
    const m = await render({
      requestedBy: { name: "Grace Hopper", email: "grace@example.com" },
      executionId: "exec-9",
      description: "Check the **trend** first.",
    });
    expect(m.subject).toBe("Approval requested: Restart pump P-101");
    const htmlText = m.html
      .replace(/<[^>]*>/g, "")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">");
    for (const part of [m.text, htmlText]) {
      expect(part).toContain("Grace Hopper <grace@example.com>");
      expect(part).toContain("approve_restart (task id task-1)");
      expect(part).toContain("exec-9");
      expect(part).toContain("2026-11-29 11:00 UTC (in 23 hours)");
      expect(part).toContain("Decide within 23 hours, by 2026-11-29 11:00 UTC");
      expect(part).toContain(LINK);
    }
    expect(m.html).toContain('<span style="white-space:nowrap;">2026-11-29 11:00 UTC</span>');
    expect(m.text).toContain("Check the **trend** first.");
    expect(m.html).toContain("<strong>trend</strong>");
    expect(m.text.split(LINK)).toHaveLength(2);
  });

  it("is built for mail clients: presentation tables, inline styles, a colour scheme, nothing remote", async () => {
    const { html } = await render();
    expect(html).toContain('<meta name="color-scheme" content="light dark"/>');
    expect(html).toMatch(/<table role="presentation"/);
    expect(html).not.toMatch(/<table(?![^>]*role="presentation")/);
    expect(html).toMatch(
      /<td[^>]*bgcolor="#0b57d0"[^>]*><a [^>]*href="https:\/\/taskgate\.test\/a\/token-for-ada"/,
    );
    expect(html).not.toMatch(/<link |<img |<script|@import|url\(/i);
  });

  it("leaves out what is not known", async () => {
    const m = await render({ taskExternalId: null });
    expect(m.text).not.toContain("Requested by");
    expect(m.text).not.toContain("Execution");
    expect(m.text).toContain("Workflow task: task id task-1");
    expect(m.text).toContain("A workflow in Cognite Data Fusion waits for your decision.");
  });
});
