import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Decision } from "../../core/approval-policy.js";
import { isTaskgateError } from "../../core/errors.js";
import type { ApprovalRecord } from "../../ports/approval-store.js";
import { decide, type OpenedLink, openLink } from "../../services/approval-decisions.js";
import { approvalPageView } from "../approval-views.js";
import { userAgent } from "../client-meta.js";
import type { AppEnv } from "../env.js";
import { PAGE_CSS_HEADERS, PAGE_HEADERS } from "../pages/headers.js";
import { type ApprovalView, MAX_COMMENT_LENGTH, type PageState } from "../pages/model.js";
import { renderPage } from "../pages/render.js";
import { PAGE_CSS, PAGE_CSS_PATH } from "../pages/styles.js";

/** A decision form is a word and a comment; anything bigger is not from our page. */
const FORM_LIMIT_BYTES = 16 * 1024;
/** A comment travels in the task output and the audit: 2 KB of UTF-8 at most, whatever the script. */
const MAX_COMMENT_BYTES = 2048;

function page(c: Context<AppEnv>, state: PageState): Response {
  const { status, html } = renderPage(state);
  return c.body(html, status as 200, PAGE_HEADERS);
}

/** Verifies the link; a broken or expired one becomes its page, never a JSON error. */
async function link(c: Context<AppEnv>): Promise<OpenedLink | PageState> {
  try {
    return await openLink(c.get("deps"), c.req.param("token") ?? "");
  } catch (err) {
    if (isTaskgateError(err) && err.code === "token_expired") return { kind: "link_expired" };
    if (isTaskgateError(err) && err.code === "token_invalid") return { kind: "link_invalid" };
    throw err;
  }
}

/** The approval as a page shows it, with what became of its outcome in CDF. */
async function pageView(
  c: Context<AppEnv>,
  approval: ApprovalRecord,
  approverIndex: number,
): Promise<ApprovalView> {
  const delivery = approval.deliveryId
    ? await c.get("deps").store.getDelivery(approval.deliveryId)
    : undefined;
  return approvalPageView(approval, approverIndex, delivery);
}

/**
 * What a link shows now, for an approver who is not submitting anything. Expiry is read from the
 * clock, not only from the stored status: the sweep closes expired approvals some seconds later.
 */
function viewState(
  view: ApprovalView,
  approval: ApprovalRecord,
  approverIndex: number,
  now: number,
  formAction: string,
): PageState {
  const base = { approval: view, approverIndex, now };
  if (approval.decisions.some((d) => d.approverIndex === approverIndex))
    return { kind: "already_decided", ...base };
  if (approval.status === "expired" || (approval.status === "pending" && approval.expiresAt <= now))
    return { kind: "expired", ...base };
  if (approval.status !== "pending") return { kind: "closed", ...base };
  return { kind: "open", ...base, formAction };
}

/**
 * A POST from a page of another site is refused. Browsers say where a request comes from in
 * `Sec-Fetch-Site`; older ones only in `Origin` (which is "null" under our no-referrer policy,
 * so it cannot vouch for us). Clients that send neither are not browsers and cannot be ridden.
 */
function crossSite(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site !== "same-origin" && site !== "none";
  const origin = c.req.header("origin");
  if (origin === undefined) return false;
  const allowed = new Set([new URL(c.req.url).origin, new URL(c.get("deps").publicUrl).origin]);
  return !allowed.has(origin);
}

type Form = { decision: Decision; comment: string | null } | { problem: string; comment: string };

async function readForm(c: Context<AppEnv>): Promise<Form> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type))
    return { problem: "Send the form from the page.", comment: "" };
  // Decoded by hand: workerd warns when .text() reads a body whose type is not text/*.
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const decision = form.get("decision");
  const comment = (form.get("comment") ?? "").replace(/\r\n?/g, "\n").trim();
  if (decision !== "approve" && decision !== "reject")
    return { problem: "Choose Approve or Reject.", comment };
  if (comment.length > MAX_COMMENT_LENGTH || new TextEncoder().encode(comment).byteLength > MAX_COMMENT_BYTES)
    return { problem: `The comment is longer than ${MAX_COMMENT_LENGTH} characters; shorten it.`, comment };
  return { decision, comment: comment === "" ? null : comment };
}

/**
 * The approver's pages. GET (and HEAD, which Hono answers from GET) only reads: mail scanners
 * open every link. Only the form's POST records a decision.
 */
export const approvalPageRoutes = new Hono<AppEnv>()
  .get(PAGE_CSS_PATH.replace(/^\/a/, ""), (c) => c.body(PAGE_CSS, 200, PAGE_CSS_HEADERS))
  .get("/:token", async (c) => {
    const opened = await link(c);
    if ("kind" in opened) return page(c, opened);
    const { approval, approverIndex } = opened;
    const view = await pageView(c, approval, approverIndex);
    return page(c, viewState(view, approval, approverIndex, c.get("deps").clock.now(), c.req.path));
  })
  .post(
    "/:token",
    bodyLimit({
      maxSize: FORM_LIMIT_BYTES,
      onError: (c) => c.text("The form is too large.", 413, { "cache-control": "no-store" }),
    }),
    async (c) => {
      if (crossSite(c)) return page(c, { kind: "cross_site" });
      const opened = await link(c);
      if ("kind" in opened) return page(c, opened);
      const { approval, approverIndex } = opened;
      const form = await readForm(c);
      const now = c.get("deps").clock.now();
      if ("problem" in form) {
        const state = viewState(
          await pageView(c, approval, approverIndex),
          approval,
          approverIndex,
          now,
          c.req.path,
        );
        if (state.kind !== "open") return page(c, state);
        return page(c, { ...state, kind: "bad_form", message: form.problem, comment: form.comment });
      }
      const result = await decide(c.get("deps"), opened, {
        ...form,
        ip: c.get("deps").clientAddress(c),
        userAgent: userAgent(c),
      });
      return page(c, {
        kind: result.kind,
        approval: await pageView(c, result.approval, approverIndex),
        approverIndex,
        now: c.get("deps").clock.now(),
      });
    },
  );
