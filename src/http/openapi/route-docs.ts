import { approvalPageDocs } from "../routes/approval-pages-docs.js";
import { approvalDocs } from "../routes/approvals-docs.js";
import { auditDocs } from "../routes/audit-docs.js";
import { callbackDocs } from "../routes/callbacks-docs.js";
import { deliveryDocs } from "../routes/deliveries-docs.js";
import { healthDocs } from "../routes/health-docs.js";
import { hookDocs } from "../routes/hooks-docs.js";
import { landingDocs } from "../routes/landing-docs.js";
import { metricsDocs } from "../routes/metrics-docs.js";
import { referenceDocs } from "../routes/reference-docs.js";
import { rejectionDocs } from "../routes/rejections-docs.js";
import { waitDocs } from "../routes/waits-docs.js";
import type { RouteDoc } from "./route-doc.js";

/**
 * Every documented route, by route file. A new route is one entry in its file's `*-docs.ts`; a new
 * route file adds its list here. openapi.test.ts names any route of the app that is missing.
 */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...waitDocs,
  ...callbackDocs,
  ...hookDocs,
  ...approvalDocs,
  ...approvalPageDocs,
  ...deliveryDocs,
  ...auditDocs,
  ...rejectionDocs,
  ...healthDocs,
  ...metricsDocs,
  ...landingDocs,
  ...referenceDocs,
];

/**
 * Routes the reference leaves out on purpose, by path prefix: not an API a program calls.
 * Everything else under / must be documented.
 */
export const UNDOCUMENTED_PREFIXES: readonly { prefix: string; why: string }[] = [
  { prefix: "/emulator/", why: "the local CDF emulator (local mode only), not taskgate's API" },
  { prefix: "/console", why: "the operator console: pages for people, signed in with a cookie" },
  { prefix: "/a/assets/", why: "the approval pages' stylesheet" },
  { prefix: "/docs/assets/", why: "the reference page's stylesheet" },
];
