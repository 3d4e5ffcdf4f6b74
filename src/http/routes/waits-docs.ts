import { AUTH_ERRORS, JSON_BODY_ERRORS, named, QUERY_ERRORS, type RouteDoc } from "../openapi/route-doc.js";
import { CreateWaitSchema, WaitQuerySchema } from "../schemas.js";
import { WaitCreatedSchema, WaitListSchema, WaitViewSchema } from "../view-schemas.js";

const Wait = named("Wait", WaitViewSchema);
const ID = { id: "the wait's id" };

/** The reference's entries for waits.ts. */
export const waitDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/waits",
    tag: "Waits",
    summary: "Register a wait for a task",
    description: [
      "Called by the task's Cognite Function with its own task id (`data['cogniteOrchestrationTaskId']`), or with `executionId` and `taskExternalId` (resolved through CDF).",
      "",
      "With `source` and `correlationKey`, the first webhook from that source whose mapping yields that key completes the task (a webhook that arrived first, and was parked, is released at once). Either way the answer's `callbackUrl` completes it too.",
    ].join("\n"),
    auth: "api",
    scope: "waits",
    body: { json: named("CreateWait", CreateWaitSchema) },
    responses: {
      201: {
        description: "the wait, open, with its callback URL",
        json: named("WaitCreated", WaitCreatedSchema),
      },
    },
    errors: [
      ...AUTH_ERRORS,
      ...JSON_BODY_ERRORS,
      "task_not_found",
      "wait_conflict",
      "task_not_in_progress",
      "task_already_waited",
      "output_too_large",
      "cdf_unavailable",
    ],
  },
  {
    method: "get",
    path: "/v1/waits",
    tag: "Waits",
    summary: "List waits",
    auth: "api",
    scope: "waits",
    query: WaitQuerySchema,
    responses: {
      200: { description: "a page of waits, newest first", json: named("WaitList", WaitListSchema) },
    },
    errors: [...AUTH_ERRORS, ...QUERY_ERRORS],
  },
  {
    method: "get",
    path: "/v1/waits/:id",
    tag: "Waits",
    summary: "Read a wait",
    auth: "api",
    scope: "waits",
    params: ID,
    responses: { 200: { description: "the wait", json: Wait } },
    errors: [...AUTH_ERRORS, "wait_not_found"],
  },
  {
    method: "delete",
    path: "/v1/waits/:id",
    tag: "Waits",
    summary: "Cancel an open wait",
    description:
      "CDF is not told: the task stays `IN_PROGRESS` until something else completes it or it times out.",
    auth: "api",
    scope: "waits",
    params: ID,
    responses: { 200: { description: "the wait, cancelled", json: Wait } },
    errors: [...AUTH_ERRORS, "wait_not_found", "wait_closed"],
  },
];
