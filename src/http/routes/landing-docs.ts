import type { RouteDoc } from "../openapi/route-doc.js";

/** The reference's entries for landing.tsx. */
export const landingDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/",
    tag: "Operations",
    summary: "Start page",
    description:
      "In local mode, a page linking the console, the mail catcher, this reference, the emulator and the metrics. Anywhere else the line `taskgate ok`, which reveals nothing else.",
    auth: "none",
    responses: { 200: { description: "the page (local mode) or the status line", media: "text/plain" } },
    errors: [],
  },
];
