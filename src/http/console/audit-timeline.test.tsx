/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { describe, expect, it } from "vitest";
import { type AuditDraft, type AuditEntry, auditDraft } from "../../core/audit/entry.js";
import { AuditTimeline, historyOf } from "./audit-timeline.js";
import { describeAuditEntry, utcSeconds } from "./audit-words.js";

const AT = Date.UTC(2026, 11, 4, 20, 1, 2);
const HOSTILE = `<img src=x onerror=alert(1)>"><script>alert(2)</script>`;
let n = 0;
const entry = (
  over: Partial<AuditDraft> & Pick<AuditDraft, "kind">,
  seq: number | null = null,
): AuditEntry => ({
  ...auditDraft({
    id: `0193${String(n++).padStart(4, "0")}-0000-7000-8000-000000000000`,
    at: AT,
    actor: "system",
    ...over,
  }),
  seq,
  prevHash: seq === null ? null : "0".repeat(64),
  hash: seq === null ? null : "a".repeat(64),
});

const render = async (entries: AuditEntry[], subject = "w-1", nextCursor: string | null = null) =>
  String(
    await (
      <AuditTimeline history={historyOf({ items: entries, nextCursor })} subject={subject} />
    ).toString(),
  );

describe("audit timeline", () => {
  it("says so when a subject has no entries", async () => {
    const html = await render([]);
    expect(html).toContain("History");
    expect(html).toContain("No audit entries");
    expect(html).not.toContain("<ol");
  });

  it("lists entries oldest first (the store reads newest first), with seconds in UTC and the seal", async () => {
    const created = entry({ kind: "wait.created", waitId: "w-1", actor: "api:fn" }, 7);
    const cancelled = entry({
      kind: "wait.cancelled",
      waitId: "w-1",
      actor: "operator:ops",
      at: AT + 61_000,
    });
    const html = await render([cancelled, created]);
    expect(html.indexOf("Wait registered")).toBeLessThan(html.indexOf("Wait cancelled"));
    expect(html).toContain("2026-12-04 20:01:02 UTC");
    expect(html).toContain("2026-12-04 20:02:03 UTC");
    expect(html).toContain("sealed #7");
    expect(html).toContain(`title="SHA-256 ${"a".repeat(64)}"`);
    expect(html).toContain("not sealed yet");
    expect(html).toContain("operator:ops");
  });

  it("links an entry's other subjects, not the page's own", async () => {
    const html = await render([
      entry({
        kind: "delivery.delivered",
        waitId: "w-1",
        deliveryId: "d-2",
        data: { attempt: 1, cdfStatus: 200 },
      }),
    ]);
    expect(html).toContain('href="/console/deliveries/d-2"');
    expect(html).not.toContain('href="/console/waits/w-1"');
  });

  it("escapes every value and shows only the facts it names (never a token or body)", async () => {
    const html = await render([
      entry({
        kind: "approval.decided",
        approvalId: "a-1",
        actor: `approver:${HOSTILE}`,
        data: {
          email: HOSTILE,
          decision: "reject",
          comment: HOSTILE,
          ip: "203.0.113.9",
          token: "secret-token-value",
          body: { password: "hunter2" },
        },
      }),
    ]);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).toContain("rejected");
    expect(html).toContain("203.0.113.9");
    expect(html).not.toContain("secret-token-value");
    expect(html).not.toContain("hunter2");
  });

  it("says when older entries were left out, and where to read them all", async () => {
    const html = await render([entry({ kind: "wait.created", waitId: "w-1" })], "w-1", "cursor");
    expect(html).toContain("The latest 1 entries");
    expect(html).toContain("GET /v1/audit?subject=w-1");
  });
});

describe("audit entries in words", () => {
  it("names each attempt's outcome with CDF's status, request id, time taken and message", () => {
    const retry = describeAuditEntry(
      entry({
        kind: "delivery.attempt",
        data: {
          attempt: 2,
          cdfStatus: 503,
          cdfRequestId: "req-1",
          durationMs: 41,
          error: "busy",
          nextAttemptAt: AT + 5000,
        },
      }),
    );
    expect(retry).toEqual({
      title: "Attempt 2 failed; it will be retried",
      status: "retry",
      facts: [
        ["CDF status", "503"],
        ["CDF x-request-id", "req-1"],
        ["Took", "41 ms"],
        ["Message", "busy"],
        ["Next attempt", utcSeconds(AT + 5000)],
      ],
    });
    expect(describeAuditEntry(entry({ kind: "delivery.dead", data: { attempt: 1 } })).title).toBe(
      "Attempt 1: given up (dead letter)",
    );
  });

  it("reads webhooks by outcome, operator actions by action, and an unknown kind as its name", () => {
    const parked = describeAuditEntry(
      entry({ kind: "webhook.received", data: { outcome: "parked", source: "demo", ip: null } }),
    );
    expect(parked).toMatchObject({
      title: "Webhook received and parked (no open wait yet)",
      status: "parked",
    });
    expect(parked.facts).toEqual([["Source", "demo"]]);
    expect(describeAuditEntry(entry({ kind: "operator.action", data: { action: "replay" } })).title).toBe(
      "Replayed by an operator",
    );
    expect(
      describeAuditEntry(entry({ kind: "operator.action", data: { action: "replay_bulk", count: 3 } })),
    ).toMatchObject({ facts: [["Deliveries", "3"]] });
    expect(
      describeAuditEntry(
        entry({
          kind: "operator.action",
          data: { action: "replay_bulk", status: "dead", source: "gh", since: AT, until: AT + 60_000 },
        }),
      ),
    ).toEqual({
      title: "Replayed in bulk by an operator",
      facts: [
        ["Selected by status", "dead"],
        ["Selected by source", "gh"],
        ["Created from", utcSeconds(AT)],
        ["Created before", utcSeconds(AT + 60_000)],
      ],
    });
    expect(
      describeAuditEntry(
        entry({
          kind: "parked.expired",
          data: { source: "gh", correlationKey: "pr-7", parkUntil: AT, receivedAt: AT - 1000 },
        }),
      ),
    ).toEqual({
      title: "Parked webhook expired: no wait claimed it in time",
      status: "expired",
      facts: [
        ["Source", "gh"],
        ["Correlation key", "pr-7"],
        ["Parked until", utcSeconds(AT)],
      ],
    });
    expect(describeAuditEntry(entry({ kind: "operator.action", data: { action: "new_thing" } })).title).toBe(
      "Operator action: new thing",
    );
    expect(describeAuditEntry(entry({ kind: "future.kind" as AuditDraft["kind"], data: { x: 1 } }))).toEqual({
      title: "future.kind",
      facts: [],
    });
  });
});
