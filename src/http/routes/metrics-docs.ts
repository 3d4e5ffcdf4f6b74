import type { RouteDoc } from "../openapi/route-doc.js";

/** The reference's entries for metrics.ts. */
export const metricsDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/metrics",
    tag: "Operations",
    summary: "Prometheus metrics",
    description: [
      "Prometheus text format 0.0.4: requests by route pattern, webhooks by source and outcome, refusals by code, deliveries by state, forwarding attempts and their duration, token refreshes, approvals, mail; on Node also the process's memory and event-loop delay.",
      "",
      "When the config sets `metrics.token`, send `Authorization: Bearer <token>`; without it the endpoint is open. On Workers the counters are the answering isolate's own; the delivery gauges are read from the store.",
    ].join("\n"),
    auth: "none",
    responses: { 200: { description: "the metrics", media: "text/plain; version=0.0.4" } },
    errors: ["unauthorized"],
  },
];
