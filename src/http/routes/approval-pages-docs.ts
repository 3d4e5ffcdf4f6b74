import type { RouteDoc } from "../openapi/route-doc.js";

const TOKEN = { token: "the approver's signed token, from their link" };

/** The reference's entries for approval-pages.ts: pages for people, answered in HTML, never JSON. */
export const approvalPageDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/a/:token",
    tag: "Approval pages",
    summary: "An approver's page",
    description:
      "Shows the approval and, while it is open, a form to approve or reject. GET and HEAD never change anything: mail scanners open every link. Problems (an expired or tampered link, a closed approval) are pages too, with their status: 404 for a link that is not valid, 410 for an expired one.",
    auth: "approval-link",
    params: TOKEN,
    responses: {
      200: { description: "the page", media: "text/html" },
      404: { description: "the link is not valid (a page that says so)", media: "text/html" },
      410: { description: "the link or the approval has expired (a page that says so)", media: "text/html" },
    },
    errors: [],
  },
  {
    method: "post",
    path: "/a/:token",
    tag: "Approval pages",
    summary: "Record an approver's decision",
    description:
      "The page's form: `decision=approve|reject` and an optional `comment` (at most 2,000 characters), form-encoded. A request from another site is refused. The answer is the result page.",
    auth: "approval-link",
    params: TOKEN,
    body: { raw: ["application/x-www-form-urlencoded"], description: "`decision` and optional `comment`" },
    responses: {
      200: { description: "the decision is recorded (or was already, the same)", media: "text/html" },
      400: {
        description: "the form is incomplete or the comment too long (the form again)",
        media: "text/html",
      },
      403: { description: "sent from another site: refused", media: "text/html" },
      404: { description: "the link is not valid", media: "text/html" },
      409: {
        description: "a different decision was recorded earlier, or the approval has ended",
        media: "text/html",
      },
      410: { description: "the link or the approval has expired", media: "text/html" },
      413: { description: "the form is larger than 16 KB", media: "text/plain" },
    },
    errors: [],
  },
];
