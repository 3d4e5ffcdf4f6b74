import { AUTH_ERRORS, named, QUERY_ERRORS, type RouteDoc } from "../openapi/route-doc.js";
import { RejectionQuerySchema } from "../schemas.js";
import { RejectionListSchema } from "../view-schemas.js";

/** The reference's entries for rejections.ts. */
export const rejectionDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/rejections",
    tag: "Rejections",
    summary: "List requests refused before acceptance",
    description:
      "Webhooks (`/hooks/:source`) and callbacks (`/v1/callbacks/:token`) answered with a 4xx before anything was stored: bad signature, stale timestamp, unknown source, too large, malformed, bad or expired token, mapping failed, rate limited. Each row keeps the time, source, code, client IP, user agent, header names, body size and SHA-256; never the body, a header's value, a signature or a token. The log keeps the newest `rejections.maxRows` rows.",
    auth: "api",
    scope: "deliveries:read",
    query: RejectionQuerySchema,
    responses: {
      200: {
        description: "a page of rejections, newest first",
        json: named("RejectionList", RejectionListSchema),
      },
    },
    errors: [...AUTH_ERRORS, ...QUERY_ERRORS],
  },
];
