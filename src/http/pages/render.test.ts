import { describe, expect, it } from "vitest";
import {
  type ApprovalView,
  type ApproverView,
  MAX_COMMENT_LENGTH,
  PAGE_STATUS,
  type PageState,
} from "./model.js";
import { renderPage } from "./render.js";
import { PAGE_CSS_PATH } from "./styles.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.UTC(2026, 10, 28, 16, 28);
const EXPIRES = NOW + 3 * HOUR + 12 * MIN; // 2026-11-28 19:40 UTC
const FORM_ACTION = "/a/tok.en-123";

const HOSTILE = `<img src=x onerror=alert(1)>"><script>alert(2)</script>'`;

function approver(overrides: Partial<ApproverView> = {}): ApproverView {
  return {
    email: "ann@example.com",
    name: "Ann Example",
    decision: null,
    decidedAt: null,
    comment: null,
    ...overrides,
  };
}

function approval(overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    id: "apr_0001",
    title: "Release pump model v7 to production",
    description:
      "Please check the **backtest** results:\n- accuracy\n- drift\n\n[Report](https://reports.example.com/r/7)",
    status: "pending",
    policy: { kind: "quorum", count: 2 },
    task: { taskId: "task-uuid-1", taskExternalId: "approve-release", executionId: "exec-uuid-9" },
    approvers: [
      approver({
        email: "bob@example.com",
        name: "Bob Builder",
        decision: "approve",
        decidedAt: NOW - 2 * HOUR,
        comment: "Numbers look fine.",
      }),
      approver(),
      approver({ email: "cid@example.com", name: null }),
    ],
    createdAt: NOW - 5 * HOUR,
    expiresAt: EXPIRES,
    closedAt: null,
    requestedBy: { name: "Grace Hopper", email: "grace@example.com" },
    delivery: null,
    ...overrides,
  };
}

type ApprovalKind = Exclude<PageState["kind"], "link_expired" | "link_invalid" | "cross_site">;

/** A state of each kind; `a` overrides the approval, `me` is this approver's index. */
function stateOf(kind: PageState["kind"], a: Partial<ApprovalView> = {}, me = 1): PageState {
  const base = { approval: approval(a), approverIndex: me, now: NOW };
  switch (kind) {
    case "link_expired":
    case "link_invalid":
    case "cross_site":
      return { kind };
    case "open":
      return { kind, ...base, formAction: FORM_ACTION };
    case "bad_form":
      return { kind, ...base, formAction: FORM_ACTION, message: "Choose Approve or Reject.", comment: "" };
    default:
      return { kind, ...base };
  }
}

const ALL_KINDS = Object.keys(PAGE_STATUS) as PageState["kind"][];
const FORM_KINDS: PageState["kind"][] = ["open", "bad_form"];
const LINK_KINDS: PageState["kind"][] = ["link_expired", "link_invalid", "cross_site"];
const SUMMARY_KINDS: ApprovalKind[] = [
  "recorded",
  "already_decided",
  "decision_conflict",
  "closed",
  "too_late",
  "expired",
];

function count(html: string, needle: RegExp): number {
  return html.match(new RegExp(needle.source, `${needle.flags.replace("g", "")}g`))?.length ?? 0;
}

/** Every attribute name in every tag (values are quoted and escaped, so `"…"` skips them). */
function attributeNames(html: string): string[] {
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  return tags.flatMap((tag) =>
    [...tag.replace(/"[^"]*"/g, '""').matchAll(/\s([^\s=/>]+)(?==|\s|\/?>)/g)].map((m) =>
      (m[1] ?? "").toLowerCase(),
    ),
  );
}

/** Visible text, roughly: tags dropped, the five escaped characters decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

describe("renderPage: every state", () => {
  it.each(ALL_KINDS)("%s: status from PAGE_STATUS and a well-formed, accessible document", (kind) => {
    const page = renderPage(stateOf(kind));
    expect(page.status).toBe(PAGE_STATUS[kind]);
    const { html } = page;
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('<meta charset="utf-8"/>');
    expect(html).toContain(`<link rel="stylesheet" href="${PAGE_CSS_PATH}"/>`);
    expect(count(html, /<h1[ >]/)).toBe(1);
    expect(count(html, /<main[ >]/)).toBe(1);
    expect(html).toMatch(/<header[ >]/);
    expect(html).toMatch(/<footer[ >]/);
    expect(html).toMatch(/<title>[^<]+ – taskgate<\/title>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(attributeNames(html)).toContain("lang");
    expect(attributeNames(html).filter((name) => name.startsWith("on"))).toEqual([]);
    expect(html).not.toContain("javascript:");
  });

  it("uses the statuses the design gives", () => {
    const statuses = Object.fromEntries(ALL_KINDS.map((k) => [k, renderPage(stateOf(k)).status]));
    expect(statuses).toEqual({
      open: 200,
      recorded: 200,
      already_decided: 200,
      decision_conflict: 409,
      closed: 200,
      too_late: 409,
      expired: 410,
      link_expired: 410,
      link_invalid: 404,
      cross_site: 403,
      bad_form: 400,
    });
  });

  it("renders synchronously (a plain object, not a promise)", () => {
    const page = renderPage(stateOf("open"));
    expect(page).not.toBeInstanceOf(Promise);
    expect(typeof page.html).toBe("string");
  });

  it.each(ALL_KINDS)("%s: has a form only where a decision can be made", (kind) => {
    const { html } = renderPage(stateOf(kind));
    const hasForm = FORM_KINDS.includes(kind);
    expect(html.includes("<form")).toBe(hasForm);
    expect(html.includes("<textarea")).toBe(hasForm);
    expect(html.includes("<button")).toBe(hasForm);
  });

  it.each(ALL_KINDS)("%s: every label points at a control and every control has a label", (kind) => {
    const { html } = renderPage(stateOf(kind));
    const labelled = [...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]);
    for (const id of labelled) expect(html).toMatch(new RegExp(`<(textarea|input|select)[^>]* id="${id}"`));
    const controls = [...html.matchAll(/<(?:textarea|input|select)[^>]* id="([^"]+)"/g)].map((m) => m[1]);
    expect(controls.sort()).toEqual(labelled.sort());
    expect(count(html, /<(textarea|input|select)[ >]/)).toBe(controls.length);
  });

  it.each(ALL_KINDS)("%s: ids are unique and aria references resolve", (kind) => {
    const { html } = renderPage(stateOf(kind));
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const refs = [...html.matchAll(/aria-(?:labelledby|describedby)="([^"]+)"/g)].flatMap((m) =>
      (m[1] ?? "").split(" "),
    );
    for (const ref of refs) expect(ids).toContain(ref);
  });
});

describe("renderPage: the open form", () => {
  const { html } = renderPage(stateOf("open"));

  it("shows what is asked, for which task, the policy and the decisions so far", () => {
    const text = textOf(html);
    expect(html).toContain("<h1>Release pump model v7 to production</h1>");
    expect(html).toContain("<strong>backtest</strong>");
    expect(html).toContain("<ul><li>accuracy</li><li>drift</li></ul>");
    expect(text).toContain("task-uuid-1");
    expect(text).toContain("approve-release");
    expect(text).toContain("exec-uuid-9");
    expect(text).toContain("2 of 3 approvals are needed.");
    expect(text).toContain("So far 1 of 2 approvals.");
    expect(text).toContain("You are answering as Ann Example.");
  });

  it("lists each approver with their decision in words, time and comment", () => {
    const text = textOf(html);
    expect(text).toContain("Bob Builder ✓ Approved on 2026-11-28 14:28 UTC");
    expect(text).toContain("Numbers look fine.");
    expect(text).toContain("Ann Example (you) … Waiting");
    expect(text).toContain("cid@example.com … Waiting");
    expect(html).toContain('<span aria-hidden="true">✓</span> Approved');
  });

  it("shows the time left computed from now", () => {
    expect(textOf(html)).toContain("Expires in 3 h 12 min (2026-11-28 19:40 UTC)");
    expect(html).toContain('<time datetime="2026-11-28T19:40:00.000Z">');
  });

  it("has one POST form to the given action with a labelled comment before the two buttons", () => {
    expect(count(html, /<form /)).toBe(1);
    expect(html).toMatch(new RegExp(`<form method="post" action="${FORM_ACTION}"`));
    expect(html).toContain('<label for="comment">Comment (optional)</label>');
    expect(html).toMatch(
      new RegExp(`<textarea id="comment" name="comment" rows="3" maxlength="${MAX_COMMENT_LENGTH}"`),
    );
    const approve = html.indexOf('type="submit" name="decision" value="approve">Approve</button>');
    const reject = html.indexOf('type="submit" name="decision" value="reject">Reject</button>');
    const comment = html.indexOf("<textarea");
    expect(comment).toBeGreaterThan(0);
    expect(approve).toBeGreaterThan(comment);
    expect(reject).toBeGreaterThan(approve);
    expect(html).not.toContain('role="alert"');
  });

  it("leaves out what is not known", () => {
    const page = renderPage(
      stateOf("open", {
        description: null,
        task: { taskId: "t-only", taskExternalId: null, executionId: null },
      }),
    );
    expect(page.html).not.toContain("What is asked");
    expect(page.html).not.toMatch(/external id/i);
    expect(page.html).not.toContain("Execution id");
    expect(textOf(page.html)).toContain("t-only");
  });

  it("describes the other policies in words", () => {
    expect(textOf(renderPage(stateOf("open", { policy: { kind: "all" } })).html)).toContain(
      "All 3 approvers must approve; one rejection rejects.",
    );
    const any = textOf(renderPage(stateOf("open", { policy: { kind: "any" } })).html);
    expect(any).toContain("The first approver to answer decides.");
    expect(any).not.toContain("So far");
  });
});

describe("renderPage: bad_form", () => {
  it("shows the form again with the error announced", () => {
    const { html } = renderPage(stateOf("bad_form"));
    expect(html).toMatch(
      /<div class="notice notice-error" role="alert" id="form-error"><p><strong>Your decision was not recorded\.<\/strong> Choose Approve or Reject\.<\/p><\/div>/,
    );
    expect(html).toContain('aria-describedby="comment-hint form-error"');
    expect(html).toContain('value="approve">Approve</button>');
    expect(html.indexOf('role="alert"')).toBeLessThan(html.indexOf("<form"));
  });

  it("keeps the comment the approver typed, escaped, leading newline included", () => {
    const state = Object.assign(stateOf("bad_form"), { comment: `\nfirst line\n</textarea>${HOSTILE}` });
    const { html } = renderPage(state);
    expect(html).toContain(
      '<textarea id="comment" name="comment" rows="3" maxlength="2000" aria-describedby="comment-hint form-error">\n\nfirst line\n&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;&#39;</textarea>',
    );
  });
});

describe("renderPage: read-only summaries", () => {
  const decided = (decision: "approve" | "reject", comment: string | null = null) =>
    approval().approvers.map((a, i) => (i === 1 ? { ...a, decision, decidedAt: NOW - MIN, comment } : a));

  it("recorded, still pending: confirms the decision and says it waits for others", () => {
    const { html } = renderPage(stateOf("recorded", { approvers: decided("reject", "Not yet.") }));
    const text = textOf(html);
    expect(html).toContain("<h1>Your decision is recorded</h1>");
    expect(text).toContain("You rejected this request on 2026-11-28 16:27 UTC.");
    expect(text).toContain("It now waits for the other approvers.");
    expect(text).toContain("Your decision: Rejected on 2026-11-28 16:27 UTC");
    expect(text).toContain("Status: Waiting for decisions");
    expect(text).toContain("Expires in 3 h 12 min (2026-11-28 19:40 UTC)");
    expect(text).toContain("Ann Example (you) ✗ Rejected");
    expect(text).toContain("Not yet.");
  });

  it("recorded, final: gives the outcome", () => {
    const { html } = renderPage(
      stateOf("recorded", { approvers: decided("approve"), status: "approved", closedAt: NOW }),
    );
    const text = textOf(html);
    expect(text).toContain("You approved this request");
    expect(text).toContain("Its outcome: approved.");
    expect(text).toContain("Outcome: Approved (2026-11-28 16:28 UTC)");
    expect(text).not.toContain("Expires in");
    expect(text).toContain("cid@example.com … No decision");
  });

  it("already_decided: says so and changes nothing", () => {
    const text = textOf(renderPage(stateOf("already_decided", { approvers: decided("approve") })).html);
    expect(text).toContain("You have already answered");
    expect(text).toContain("You approved this request on 2026-11-28 16:27 UTC. Nothing more is needed");
  });

  it("decision_conflict: the earlier decision stands", () => {
    const text = textOf(renderPage(stateOf("decision_conflict", { approvers: decided("reject") })).html);
    expect(text).toContain("Your earlier decision stands");
    expect(text).toContain("You rejected this request on 2026-11-28 16:27 UTC.");
    expect(text).toContain("A decision cannot be changed once it is recorded");
  });

  it("closed: decided before this approver answered, or cancelled", () => {
    const approved = textOf(renderPage(stateOf("closed", { status: "approved", closedAt: NOW - HOUR })).html);
    expect(approved).toContain("This request is already decided");
    expect(approved).toContain("The request was already approved before you answered");
    expect(approved).toContain("Your decision: none recorded");
    expect(approved).toContain("Outcome: Approved (2026-11-28 15:28 UTC)");
    const cancelled = textOf(renderPage(stateOf("closed", { status: "cancelled", closedAt: NOW })).html);
    expect(cancelled).toContain("This request was cancelled");
    expect(cancelled).toContain("Outcome: Cancelled");
  });

  it("too_late: nothing recorded", () => {
    const text = textOf(renderPage(stateOf("too_late", { status: "rejected", closedAt: NOW - MIN })).html);
    expect(text).toContain("Your decision was not recorded");
    expect(text).toContain("The request was already rejected by the time your answer arrived");
    expect(text).toContain("Outcome: Rejected");
  });

  it("expired: no outcome, no more decisions", () => {
    const text = textOf(
      renderPage(stateOf("expired", { status: "expired", expiresAt: NOW - HOUR, closedAt: NOW - HOUR })).html,
    );
    expect(text).toContain("This request has expired");
    expect(text).toContain("It expired (2026-11-28 15:28 UTC) before reaching an outcome.");
    expect(text).toContain("Outcome: Expired without an outcome");
  });

  it.each(SUMMARY_KINDS)("%s: shows the title, task and the decisions list", (kind) => {
    const text = textOf(renderPage(stateOf(kind)).html);
    expect(text).toContain("Release pump model v7 to production");
    expect(text).toContain("task-uuid-1");
    expect(text).toContain("Bob Builder ✓ Approved");
  });
});

describe("renderPage: link problems reveal nothing", () => {
  it.each(LINK_KINDS)("%s: says what happened and what to do", (kind) => {
    const text = textOf(renderPage(stateOf(kind)).html);
    expect(text).toContain("ask the person who sent it for a new link");
    for (const secret of [
      "Release pump",
      "task-uuid-1",
      "Ann Example",
      "bob@example.com",
      "Approved",
      "Expires",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("has distinct headlines", () => {
    const h1s = LINK_KINDS.map((k) => renderPage(stateOf(k)).html.match(/<h1>([^<]+)<\/h1>/)?.[1]);
    expect(h1s).toEqual([
      "This link has expired",
      "This link does not work",
      "Your decision was not accepted",
    ]);
  });

  it.each([...FORM_KINDS, ...SUMMARY_KINDS])(
    "%s with an approver index out of range renders link_invalid (404) and no approval data",
    (kind) => {
      for (const index of [-1, 3, 99]) {
        const page = renderPage(stateOf(kind, {}, index));
        expect(page.status).toBe(404);
        expect(page.html).toContain("This link does not work");
        expect(page.html).not.toContain("Release pump");
        expect(page.html).not.toContain("<form");
      }
    },
  );
});

describe("renderPage: escaping hostile data", () => {
  const hostileApproval = (): Partial<ApprovalView> => ({
    title: `Title ${HOSTILE}`,
    description: `Desc ${HOSTILE}\n- item ${HOSTILE}\n\n[click](javascript:alert(3)) [data](data:text/html,x) [ok](https://ok.example/?q="><script>)`,
    task: { taskId: `t${HOSTILE}`, taskExternalId: `x${HOSTILE}`, executionId: `e${HOSTILE}` },
    requestedBy: { name: `r${HOSTILE}`, email: `q${HOSTILE}@x` },
    approvers: [
      approver({
        email: `e${HOSTILE}@x`,
        name: null,
        decision: "reject",
        decidedAt: NOW,
        comment: `c${HOSTILE}`,
      }),
      approver({ name: `n${HOSTILE}` }),
    ],
  });

  it.each(ALL_KINDS)("%s: no hostile markup survives as markup", (kind) => {
    const base = stateOf(kind, hostileApproval());
    const state =
      base.kind === "bad_form"
        ? Object.assign(
            { ...base, message: `m${HOSTILE}`, formAction: `/a/x${HOSTILE}` },
            { comment: HOSTILE },
          )
        : base.kind === "open"
          ? { ...base, formAction: `/a/x${HOSTILE}` }
          : base;
    const { html } = renderPage(state);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<script/i);
    expect(attributeNames(html).filter((name) => name.startsWith("on"))).toEqual([]);
    expect(html).not.toContain('javascript:alert(3)"');
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? "");
    // The requester's address is a mail link (the API accepts only valid addresses).
    for (const href of hrefs)
      expect(
        href === PAGE_CSS_PATH ||
          href === "data:," ||
          /^https?:\/\//.test(href) ||
          /^mailto:q&lt;/.test(href),
      ).toBe(true);
    if (!LINK_KINDS.includes(kind)) expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("escapes the form action attribute", () => {
    const { html } = renderPage({
      ...(stateOf("open") as Extract<PageState, { kind: "open" }>),
      formAction: `x"${HOSTILE}`,
    });
    expect(html).toContain('action="x&quot;&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;script&gt;');
  });

  it("renders markdown links only for http(s), with rel protections, and the rest as text", () => {
    const { html } = renderPage(stateOf("open", hostileApproval()));
    expect(html).toContain(
      '<a href="https://ok.example/?q=%22%3E%3Cscript%3E" rel="noopener noreferrer nofollow">ok</a>',
    );
    expect(html).toContain("[click](javascript:alert(3))");
    expect(html).toContain("[data](data:text/html,x)");
    expect(count(html, /<a href="(?!mailto:)/)).toBe(1);
  });

  it("keeps a hostile title out of the document title's markup", () => {
    const { html } = renderPage(stateOf("open", { title: "</title><script>x</script>" }));
    expect(html).toContain("<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; – taskgate</title>");
  });
});

describe("renderPage: state colours, expiry from the clock, what CDF did", () => {
  const mine = (decision: "approve" | "reject") =>
    approval().approvers.map((a, i) => (i === 1 ? { ...a, decision, decidedAt: NOW - MIN } : a));
  const tone = (html: string) => html.match(/class="notice notice-(\w+)"/)?.[1];

  it("colours the banner by the decision: approved green, rejected red, expired amber, closed grey", () => {
    expect(tone(renderPage(stateOf("recorded", { approvers: mine("approve") })).html)).toBe("approved");
    expect(tone(renderPage(stateOf("recorded", { approvers: mine("reject") })).html)).toBe("rejected");
    expect(tone(renderPage(stateOf("already_decided", { approvers: mine("reject") })).html)).toBe("rejected");
    expect(tone(renderPage(stateOf("expired", { status: "expired" })).html)).toBe("expired");
    expect(tone(renderPage(stateOf("closed", { status: "rejected", closedAt: NOW })).html)).toBe("closed");
    expect(tone(renderPage(stateOf("too_late", { status: "approved", closedAt: NOW })).html)).toBe("warning");
  });

  it("reads a pending approval past its expiry as expired, before the sweep closes it", () => {
    const text = textOf(
      renderPage(stateOf("already_decided", { approvers: mine("approve"), expiresAt: NOW - MIN })).html,
    );
    expect(text).toContain("Outcome: Expired without an outcome (2026-11-28 16:27 UTC)");
    expect(text).not.toContain("Waiting");
  });

  it.each([
    [
      { status: "delivered", deliveredAt: NOW, lastError: null },
      "Outcome: Approved — CDF accepted the update at 2026-11-28 16:28 UTC",
    ],
    [
      { status: "pending", deliveredAt: null, lastError: "503" },
      "Outcome: Approved (2026-11-28 16:27 UTC) — delivering to CDF…",
    ],
    [
      { status: "dead", deliveredAt: null, lastError: "403 Forbidden" },
      "Outcome: Approved (2026-11-28 16:27 UTC), but CDF refused the update: 403 Forbidden",
    ],
  ] as const)("says what CDF did with the update (%o)", (delivery, words) => {
    const { html } = renderPage(
      stateOf("already_decided", {
        approvers: mine("approve"),
        status: "approved",
        closedAt: NOW - MIN,
        delivery: { ...delivery },
      }),
    );
    expect(textOf(html)).toContain(words);
  });

  it("shows who asked, by name, and their address in the facts", () => {
    const text = textOf(renderPage(stateOf("open")).html);
    expect(text).toContain("Grace Hopper asks for your decision on a workflow in Cognite Data Fusion.");
    expect(renderPage(stateOf("open")).html).toContain('href="mailto:grace@example.com"');
    const anonymous = textOf(renderPage(stateOf("open", { requestedBy: null })).html);
    expect(anonymous).toContain("A workflow in Cognite Data Fusion is waiting for your decision.");
  });
});
