import type * as z from "zod";

/** Zod issues as `{path, message}` pairs: the path and the rule, never the offending value. */
export function zodProblems(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? "(body)" : issue.path.map(String).join("."),
    message: issue.message,
  }));
}
