import { AUTH_ERRORS, JSON_BODY_ERRORS, named, QUERY_ERRORS, type RouteDoc } from "../openapi/route-doc.js";
import { BulkReplaySchema, DeliveryQuerySchema } from "../schemas.js";
import {
  BulkReplayResultSchema,
  DeliveryDetailSchema,
  DeliveryListSchema,
  DeliveryViewSchema,
} from "../view-schemas.js";

const ID = { id: "the delivery's id" };

/** The reference's entries for deliveries.ts. */
export const deliveryDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/deliveries",
    tag: "Deliveries",
    summary: "List deliveries",
    auth: "api",
    scope: "deliveries:read",
    query: DeliveryQuerySchema,
    responses: {
      200: {
        description: "a page of deliveries, newest first",
        json: named("DeliveryList", DeliveryListSchema),
      },
    },
    errors: [...AUTH_ERRORS, ...QUERY_ERRORS],
  },
  {
    method: "get",
    path: "/v1/deliveries/:id",
    tag: "Deliveries",
    summary: "Read a delivery and its forwarding attempts",
    auth: "api",
    scope: "deliveries:read",
    params: ID,
    responses: {
      200: {
        description: "the delivery with every attempt (CDF's status, x-request-id and message)",
        json: named("DeliveryDetail", DeliveryDetailSchema),
      },
    },
    errors: [...AUTH_ERRORS, "delivery_not_found"],
  },
  {
    method: "post",
    path: "/v1/deliveries/:id/replay",
    tag: "Deliveries",
    summary: "Queue a dead or delivered delivery again",
    description: "The delivery is forwarded to CDF again, with a fresh retry window.",
    auth: "api",
    scope: "deliveries:replay",
    params: ID,
    responses: {
      202: { description: "the delivery, pending again", json: named("Delivery", DeliveryViewSchema) },
    },
    errors: [...AUTH_ERRORS, "delivery_not_found", "delivery_not_replayable"],
  },
  {
    method: "post",
    path: "/v1/deliveries/replay",
    tag: "Deliveries",
    summary: "Queue many dead or delivered deliveries again",
    description: [
      "Bulk replay: every delivery in `filter.status` (optionally of one `source`, arrived between `since` and `until`) is queued again, oldest first, with a fresh retry window, each with the same conditional write as a single replay (one that changed state meanwhile is skipped).",
      "",
      "At most 1,000 per request: when `more` is true, send the same request again for the next ones. With `dryRun` nothing changes and the answer says how many would be queued.",
    ].join("\n"),
    auth: "api",
    scope: "deliveries:replay",
    body: { json: named("BulkReplay", BulkReplaySchema) },
    responses: {
      200: {
        description: "dry run: how many would be queued",
        json: named("BulkReplayResult", BulkReplayResultSchema),
      },
      202: {
        description: "how many were queued again",
        json: named("BulkReplayResult", BulkReplayResultSchema),
      },
    },
    errors: [...AUTH_ERRORS, ...JSON_BODY_ERRORS],
  },
];
