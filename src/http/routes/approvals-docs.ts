import { ApprovalQuerySchema, CreateApprovalSchema } from "../approval-schemas.js";
import { AUTH_ERRORS, JSON_BODY_ERRORS, named, QUERY_ERRORS, type RouteDoc } from "../openapi/route-doc.js";
import {
  ApprovalCreatedSchema,
  ApprovalDetailSchema,
  ApprovalListSchema,
  ApprovalViewSchema,
} from "../view-schemas.js";

const ID = { id: "the approval's id" };

/** The reference's entries for approvals.ts. */
export const approvalDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/approvals",
    tag: "Approvals",
    summary: "Ask people to approve a task",
    description: [
      "Creates one signed, expiring link per approver. With `notify` (the default when mail is configured) taskgate mails each approver their link; otherwise hand out `links` yourself.",
      "",
      "The `policy` decides the outcome: `any` (the first decision), `all` (every approver; a rejection ends it) or `quorum` (`count` approvals). The outcome goes to CDF as a task update: approved completes the task; rejected and expired follow `onReject` and `onExpire`.",
    ].join("\n"),
    auth: "api",
    scope: "approvals",
    body: { json: named("CreateApproval", CreateApprovalSchema) },
    responses: {
      201: {
        description: "the approval, pending, with each approver's link",
        json: named("ApprovalCreated", ApprovalCreatedSchema),
      },
    },
    errors: [
      ...AUTH_ERRORS,
      ...JSON_BODY_ERRORS,
      "mail_not_configured",
      "task_not_found",
      "task_not_in_progress",
      "task_already_waited",
      "cdf_unavailable",
    ],
  },
  {
    method: "get",
    path: "/v1/approvals",
    tag: "Approvals",
    summary: "List approvals",
    auth: "api",
    scope: "approvals",
    query: ApprovalQuerySchema,
    responses: {
      200: {
        description: "a page of approvals, newest first",
        json: named("ApprovalList", ApprovalListSchema),
      },
    },
    errors: [...AUTH_ERRORS, ...QUERY_ERRORS],
  },
  {
    method: "get",
    path: "/v1/approvals/:id",
    tag: "Approvals",
    summary: "Read an approval, its decisions and mails",
    auth: "api",
    scope: "approvals",
    params: ID,
    responses: {
      200: {
        description:
          "the approval with each decision (who, when, what, from where), its mails, and its outcome's way to CDF",
        json: named("ApprovalDetail", ApprovalDetailSchema),
      },
    },
    errors: [...AUTH_ERRORS, "approval_not_found"],
  },
  {
    method: "delete",
    path: "/v1/approvals/:id",
    tag: "Approvals",
    summary: "Cancel a pending approval",
    description: "The links stop working; CDF is not told.",
    auth: "api",
    scope: "approvals",
    params: ID,
    responses: {
      200: { description: "the approval, cancelled", json: named("Approval", ApprovalViewSchema) },
    },
    errors: [...AUTH_ERRORS, "approval_not_found", "approval_closed"],
  },
];
