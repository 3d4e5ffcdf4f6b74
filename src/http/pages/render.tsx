/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * `PageState` → status and HTML. The route decides the state; this only draws it, the same way
 * for GET, HEAD and POST. An approval state whose approver index is out of range is a route bug,
 * and is drawn as `link_invalid` (404) rather than risk showing someone else's page.
 */

import type { Child } from "hono/jsx";
import { Layout } from "./layout.js";
import { LINK_PROBLEM_HEADLINES, LinkProblemView } from "./link-problem-view.js";
import { PAGE_STATUS, type PageState } from "./model.js";
import { OpenView } from "./open-view.js";
import { SummaryView, summaryHeadline } from "./summary-view.js";

export interface RenderedPage {
  status: number;
  html: string;
}

/** Synchronous: no view is async, and the check below keeps it that way. */
export function renderPage(state: PageState): RenderedPage {
  const { status, title, body } = pageFor(state);
  const rendered: unknown = (<Layout title={title}>{body}</Layout>).toString();
  if (typeof rendered !== "string") throw new Error("approval pages must render synchronously");
  return { status, html: `<!doctype html>${rendered}` };
}

function pageFor(state: PageState): { status: number; title: string; body: Child } {
  switch (state.kind) {
    case "link_expired":
    case "link_invalid":
    case "cross_site":
      return problem(state.kind);
    case "open":
    case "bad_form": {
      const approver = state.approval.approvers[state.approverIndex];
      if (approver === undefined) return problem("link_invalid");
      const error = state.kind === "bad_form" ? state.message : undefined;
      return {
        status: PAGE_STATUS[state.kind],
        title: state.kind === "bad_form" ? `Not recorded: ${state.approval.title}` : state.approval.title,
        body: (
          <OpenView
            approval={state.approval}
            approver={approver}
            approverIndex={state.approverIndex}
            now={state.now}
            formAction={state.formAction}
            error={error}
            comment={state.kind === "bad_form" ? state.comment : undefined}
          />
        ),
      };
    }
    case "recorded":
    case "already_decided":
    case "decision_conflict":
    case "closed":
    case "too_late":
    case "expired": {
      const approver = state.approval.approvers[state.approverIndex];
      if (approver === undefined) return problem("link_invalid");
      return {
        status: PAGE_STATUS[state.kind],
        title: summaryHeadline(state.kind, state.approval),
        body: (
          <SummaryView
            kind={state.kind}
            approval={state.approval}
            approver={approver}
            approverIndex={state.approverIndex}
            now={state.now}
          />
        ),
      };
    }
  }
}

function problem(kind: keyof typeof LINK_PROBLEM_HEADLINES) {
  return {
    status: PAGE_STATUS[kind],
    title: LINK_PROBLEM_HEADLINES[kind],
    body: <LinkProblemView kind={kind} />,
  };
}
