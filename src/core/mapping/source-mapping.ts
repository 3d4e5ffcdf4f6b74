import jsonata from "jsonata";
import { TaskgateError } from "../errors.js";
import { isPlainObject } from "../output.js";
import { UPDATE_STATUSES, type UpdateStatus } from "../task-status.js";
import { type MappingExpression, withFastPath } from "./fast-path.js";

/** A source's JSONata expressions as written in the config. */
export interface MappingConfig {
  correlationKey: string;
  status: string;
  output?: string | undefined;
  dedupeKey?: string | undefined;
}

type Expression = MappingExpression;

/**
 * Each expression's budget per evaluation: JSONata checks both at every step it evaluates, so a
 * runaway expression (a `$sort` with a comparator over 20k items, a recursion without end) stops
 * within the budget instead of blocking the event loop for seconds.
 */
export const MAPPING_BUDGET = { timeoutMs: 250, maxDepth: 200 } as const;

/** JSONata's codes for "stack too deep" and "ran too long". */
const OVER_BUDGET = new Set(["D1011", "D1012"]);

/**
 * The expressions compiled once, at start-up. Those in the fast path's subset (paths, literals,
 * `=` `!=` `and` `or` `&`, `? :`, object constructors) skip JSONata's evaluator with the same result.
 */
export interface SourceMapping {
  correlationKey: Expression;
  status: Expression;
  output: Expression | undefined;
  dedupeKey: Expression | undefined;
}

/** What a webhook means for taskgate, once mapped. */
export interface MappedWebhook {
  /** null: "not for us" (ignored). */
  status: UpdateStatus | null;
  correlationKey: string | null;
  output: Record<string, unknown>;
  dedupeKey: string | null;
  /** Why a webhook is ignored although its status mapped to something. */
  ignoredBecause?: string;
}

/** A config problem: which expression of which source does not compile, and where. */
export interface MappingProblem {
  field: keyof MappingConfig;
  message: string;
}

/**
 * Compiles a source's expressions, collecting every problem rather than stopping at the first,
 * so `taskgate check` can name them all.
 */
export function compileMapping(config: MappingConfig): {
  mapping?: SourceMapping;
  problems: MappingProblem[];
} {
  const problems: MappingProblem[] = [];
  const compile = (field: keyof MappingConfig): Expression | undefined => {
    const text = config[field];
    if (text === undefined) return undefined;
    try {
      const compiled = jsonata(text, { timeout: MAPPING_BUDGET.timeoutMs, stack: MAPPING_BUDGET.maxDepth });
      return withFastPath(compiled, MAPPING_BUDGET.maxDepth);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      problems.push({
        field,
        message: `JSONata does not compile${e.position === undefined ? "" : ` at character ${e.position}`}: ${e.message ?? String(err)}`,
      });
      return undefined;
    }
  };
  const correlationKey = compile("correlationKey");
  const status = compile("status");
  const output = compile("output");
  const dedupeKey = compile("dedupeKey");
  if (problems.length > 0 || !correlationKey || !status) return { problems };
  return { mapping: { correlationKey, status, output, dedupeKey }, problems };
}

/**
 * Evaluates the mapping over a parsed body with `$headers` (lower-case names) and `$query` bound,
 * each expression under `MAPPING_BUDGET` (422 `mapping_failed` past it).
 * A status that is not one of CDF's three (or null) is never forwarded: the webhook is ignored,
 * with the reason recorded, since the sender cannot fix our mapping by retrying.
 */
export async function applyMapping(
  mapping: SourceMapping,
  body: unknown,
  bindings: { headers: Record<string, string>; query: Record<string, string> },
): Promise<MappedWebhook> {
  const run = async (e: Expression | undefined, what: string): Promise<unknown> => {
    if (!e) return undefined;
    try {
      return await e.evaluate(body, bindings);
    } catch (err) {
      if (OVER_BUDGET.has((err as { code?: string }).code ?? "")) {
        throw new TaskgateError(
          "mapping_failed",
          `the source's ${what} expression ran past its budget (${MAPPING_BUDGET.timeoutMs} ms, depth ${MAPPING_BUDGET.maxDepth}) on this payload`,
          { details: { expression: what } },
        );
      }
      throw new TaskgateError(
        "invalid_request",
        `the source's ${what} expression failed on this payload: ${(err as { message?: string }).message ?? String(err)}`,
      );
    }
  };
  return mappedWebhook({
    status: await run(mapping.status, "status"),
    correlationKey: await run(mapping.correlationKey, "correlationKey"),
    output: await run(mapping.output, "output"),
    dedupeKey: await run(mapping.dedupeKey, "dedupeKey"),
  });
}

/** What each expression gave for one payload, before taskgate decides what it means. */
export interface MappingResults {
  status: unknown;
  correlationKey: unknown;
  output: unknown;
  dedupeKey: unknown;
}

/**
 * The decision over the expressions' results: keys become strings, the output plain JSON, and a
 * status that is not one of CDF's three (or a missing correlation key) makes the webhook ignored,
 * with the reason recorded.
 */
export function mappedWebhook(raw: MappingResults): MappedWebhook {
  const rawStatus = raw.status;
  const correlationKey = keyOf(raw.correlationKey);
  const dedupeKey = keyOf(raw.dedupeKey);
  const output = isPlainObject(raw.output) ? toPlainJson(raw.output) : {};
  if (rawStatus === null || rawStatus === undefined)
    return { status: null, correlationKey, output, dedupeKey };
  if (typeof rawStatus !== "string" || !(UPDATE_STATUSES as readonly string[]).includes(rawStatus)) {
    return {
      status: null,
      correlationKey,
      output,
      dedupeKey,
      ignoredBecause: `the status expression gave ${JSON.stringify(rawStatus)}, not one of ${UPDATE_STATUSES.join(", ")}`,
    };
  }
  if (correlationKey === null || correlationKey.length === 0) {
    return {
      status: null,
      correlationKey: null,
      output,
      dedupeKey,
      ignoredBecause: "the correlationKey expression gave no string for this payload",
    };
  }
  return { status: rawStatus as UpdateStatus, correlationKey, output, dedupeKey };
}

function keyOf(value: unknown): string | null {
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

/** JSONata results may carry its own sequence wrappers; a JSON round trip leaves plain data. */
function toPlainJson(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
