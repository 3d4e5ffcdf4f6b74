import { AuditListSchema, AuditQuerySchema } from "../audit-schemas.js";
import { AUTH_ERRORS, named, QUERY_ERRORS, type RouteDoc } from "../openapi/route-doc.js";

/** The reference's entries for audit.ts. */
export const auditDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/audit",
    tag: "Audit",
    summary: "Audit entries of a wait, delivery or approval",
    description:
      "Every step taskgate took for the subject, newest first, from the hash-chained audit log. " +
      "Entries are sealed into the chain (seq, prevHash, hash) shortly after they are written; " +
      "`taskgate audit verify` checks the chain.",
    auth: "api",
    scope: "audit:read",
    query: AuditQuerySchema,
    responses: {
      200: {
        description: "a page of audit entries, newest first",
        json: named("AuditList", AuditListSchema),
      },
    },
    errors: [...AUTH_ERRORS, ...QUERY_ERRORS],
  },
];
