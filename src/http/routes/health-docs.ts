import { named, type RouteDoc } from "../openapi/route-doc.js";
import { HealthSchema, ReadySchema } from "../view-schemas.js";

/** The reference's entries for health.ts. */
export const healthDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    tag: "Operations",
    summary: "Liveness",
    description: "The process serves requests. It says nothing about the store.",
    auth: "none",
    responses: {
      200: { description: "alive, with the running version", json: named("Health", HealthSchema) },
    },
    errors: [],
  },
  {
    method: "get",
    path: "/readyz",
    tag: "Operations",
    summary: "Readiness",
    description: "The store answers: send traffic here.",
    auth: "none",
    responses: { 200: { description: "ready", json: named("Ready", ReadySchema) } },
    errors: ["store_unavailable"],
  },
];
