import type { RouteDoc } from "../openapi/route-doc.js";

/** The reference's entries for reference.ts: the reference describes itself. */
export const referenceDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/openapi.json",
    tag: "Reference",
    summary: "This API as an OpenAPI 3.1 document",
    description:
      "Generated from the schemas the routes validate with and answer with; the server is this taskgate's `publicUrl`.",
    auth: "none",
    responses: { 200: { description: "the OpenAPI 3.1 document", media: "application/json" } },
    errors: [],
  },
  {
    method: "get",
    path: "/docs",
    tag: "Reference",
    summary: "This API as a page",
    description:
      "The same document, rendered on the server: every route with its parameters, bodies and errors.",
    auth: "none",
    responses: { 200: { description: "the reference page", media: "text/html" } },
    errors: [],
  },
];
