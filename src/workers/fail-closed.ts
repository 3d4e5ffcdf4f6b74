import { type ConfigProblem, formatProblems } from "../config/parse.js";
import { ERROR_STATUS } from "../core/errors.js";
import type { Logger } from "../ports/logger.js";

/**
 * What a worker with a bad configuration answers to every request: the error envelope with each
 * problem's path and fix. Problems never carry values, so no secret can leak; a gateway that
 * half works (accepting callbacks it can never forward) would be worse than one that refuses.
 */
export function configErrorResponse(problems: readonly ConfigProblem[]): Response {
  const requestId = crypto.randomUUID();
  const body = {
    error: {
      code: "config_invalid",
      message:
        `taskgate is not configured correctly (${problems.length} problem${problems.length === 1 ? "" : "s"}) ` +
        "and refuses every request until the configuration is fixed",
      requestId,
      details: { problems },
    },
  };
  return new Response(JSON.stringify(body), {
    status: ERROR_STATUS.config_invalid,
    headers: {
      "content-type": "application/json; charset=UTF-8",
      "cache-control": "no-store",
      "x-request-id": requestId,
    },
  });
}

/** Logs the problems once, in the form `taskgate check` prints them. */
export function logConfigProblems(logger: Logger, problems: readonly ConfigProblem[], context: string): void {
  logger.error(`configuration invalid: ${context}`, {
    problems: problems.map((p) => ({ path: p.path, message: p.message, fix: p.fix })),
    summary: formatProblems(problems),
  });
}
