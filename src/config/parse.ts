import type * as z from "zod";
import { type ConfigHint, configHints } from "./hints.js";
import { interpolateEnv } from "./interpolate.js";
import { parseJsonc } from "./jsonc.js";
import { type ConfigProblem, formatPath } from "./problem.js";
import { type TaskgateConfig, TaskgateConfigSchema } from "./schema.js";
import { knownKeysAt, schemasAt, valueAt } from "./schema-walk.js";
import { closestMatch } from "./suggest.js";

export type { ConfigProblem } from "./problem.js";
export { formatProblems } from "./problem.js";

export type ParseConfigResult =
  | { ok: true; config: TaskgateConfig }
  | { ok: false; problems: ConfigProblem[] };

type Issue = z.core.$ZodIssue;

/**
 * Validates a configuration document once, at start-up: environment references first, then the
 * schema, reporting every problem at once with a path and a concrete fix. Problems describe
 * strings by kind and length, never by content (a secret may be anywhere), so they are safe to log.
 */
export function parseConfig(raw: unknown, env: Record<string, string | undefined>): ParseConfigResult {
  const interpolated = interpolateEnv(raw, env);
  const result = TaskgateConfigSchema.safeParse(interpolated.value);
  const envPaths = interpolated.problems.map((p) => p.path);
  const schemaProblems = result.success
    ? []
    : issuesToProblems(result.error.issues, [], interpolated.value).filter(
        // A string whose reference failed is still the raw `${env:...}`; its schema error is noise.
        (p) => !envPaths.some((path) => covers(path, p.path)),
      );
  const problems = [...interpolated.problems, ...schemaProblems];
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, config: result.data };
}

/**
 * The same, from JSONC text: for a file on Node and for the `TASKGATE_CONFIG` variable on Workers.
 * A syntax error is one problem at `where`, with line and column.
 */
export function parseConfigText(
  text: string,
  env: Record<string, string | undefined>,
  where = "(config)",
): ParseConfigResult {
  const parsed = parseJsonc(text);
  if (!parsed.ok) {
    const at = `line ${parsed.line}, column ${parsed.column}`;
    return {
      ok: false,
      problems: [
        {
          path: where,
          message: `invalid JSON at ${at}: ${parsed.message}`,
          fix: `correct the syntax at ${at} (comments and trailing commas are allowed)`,
        },
      ],
    };
  }
  return parseConfig(parsed.value, env);
}

function covers(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

function issuesToProblems(issues: readonly Issue[], prefix: PropertyKey[], input: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => issueToProblems(issue, [...prefix, ...issue.path], input));
}

function issueToProblems(issue: Issue, path: PropertyKey[], input: unknown): ConfigProblem[] {
  const at = formatPath(path);
  const value = valueAt(input, path);
  const hint = hintAt(path, input);
  const key = path.at(-1);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(TaskgateConfigSchema, path, input).filter((k) => k !== "$schema");
      return issue.keys.map((unknownKey) => {
        const suggestion = closestMatch(unknownKey, known);
        return {
          path: formatPath([...path, unknownKey]),
          message: "unknown key",
          fix: suggestion
            ? `remove it (did you mean "${suggestion}"?)`
            : `remove it${known.length > 0 ? ` (known keys here: ${known.join(", ")})` : ""}`,
        };
      });
    }
    case "invalid_type":
      if (value === undefined) return [missing(at, key, hint)];
      return [
        {
          path: at,
          message: `expected ${describeExpected(issue.expected)}, got ${describeValue(value)}`,
          fix: typeFix(issue.expected, key, hint),
        },
      ];
    case "too_small":
      return [{ path: at, ...tooSmall(issue, value, key, hint) }];
    case "too_big":
      return [{ path: at, ...tooBig(issue, value, hint) }];
    case "invalid_value":
      return [
        {
          path: at,
          message: `not one of the allowed values (${listValues(issue.values)})`,
          fix: `use one of ${listValues(issue.values)}`,
        },
      ];
    case "invalid_union": {
      if (issue.discriminator !== undefined) {
        // zod points discriminator issues at the discriminator itself.
        const allowed = listValues(("options" in issue ? issue.options : undefined) ?? []);
        if (value === undefined) {
          return [{ path: at, message: "missing", fix: `add "${String(key)}" with one of ${allowed}` }];
        }
        return [
          { path: at, message: `not one of the allowed values (${allowed})`, fix: `use one of ${allowed}` },
        ];
      }
      // A branch whose type matched (its issues are about the content) says what is wrong.
      const matched = issue.errors.find(
        (branch) =>
          branch.length > 0 && !branch.some((i) => i.code === "invalid_type" && i.path.length === 0),
      );
      if (matched) return issuesToProblems(matched, path, input);
      if (value === undefined) return [missing(at, key, hint)];
      const expected = issue.errors
        .flatMap((branch) => branch.filter((i) => i.code === "invalid_type" && i.path.length === 0))
        .map((i) => describeExpected((i as z.core.$ZodIssueInvalidType).expected));
      return [
        {
          path: at,
          message:
            expected.length > 0
              ? `expected ${joinOr(unique(expected))}, got ${describeValue(value)}`
              : "does not match any allowed form",
          fix: hint?.fix ?? exampleFix(key, hint) ?? "see taskgate.config.example.json",
        },
      ];
    }
    case "custom": {
      const paramFix = issue.params?.fix;
      return [
        {
          path: at,
          message: issue.message,
          fix: typeof paramFix === "string" ? paramFix : (hint?.fix ?? "see taskgate.config.example.json"),
        },
      ];
    }
    default:
      // invalid_format and the rest: our schemas give these their own messages.
      return [{ path: at, message: issue.message, fix: hint?.fix ?? "see taskgate.config.example.json" }];
  }
}

function hintAt(path: readonly PropertyKey[], input: unknown): ConfigHint | undefined {
  for (const schema of schemasAt(TaskgateConfigSchema, path, input)) {
    const found = configHints.get(schema);
    if (found) return found;
  }
  return undefined;
}

function missing(at: string, key: PropertyKey | undefined, hint: ConfigHint | undefined): ConfigProblem {
  const fix =
    typeof key === "string"
      ? `add "${key}": ${hint?.example ?? "<value>"}`
      : `add a value${hint?.example ? `, e.g. ${hint.example}` : ""}`;
  return { path: at, message: "missing", fix };
}

function exampleFix(key: PropertyKey | undefined, hint: ConfigHint | undefined): string | undefined {
  if (!hint?.example) return undefined;
  return typeof key === "string"
    ? `write it like "${key}": ${hint.example}`
    : `write it like ${hint.example}`;
}

function typeFix(expected: string, key: PropertyKey | undefined, hint: ConfigHint | undefined): string {
  const example = exampleFix(key, hint);
  if (example) return example;
  switch (expected) {
    case "string":
      return "write it as a string in double quotes";
    case "number":
    case "int":
      return "write a number without quotes";
    case "boolean":
      return "write true or false without quotes";
    case "array":
      return "write a list: [ ... ]";
    case "object":
    case "record":
      return "write an object: { ... }";
    default:
      return "see taskgate.config.example.json";
  }
}

function tooSmall(
  issue: z.core.$ZodIssueTooSmall,
  value: unknown,
  key: PropertyKey | undefined,
  hint: ConfigHint | undefined,
) {
  const min = Number(issue.minimum);
  if (issue.origin === "string") {
    const length = typeof value === "string" ? value.length : 0;
    if (length === 0) {
      return { message: "empty", fix: hint?.fix ?? exampleFix(key, hint) ?? "set a non-empty value" };
    }
    return {
      message: `too short (${length} characters, at least ${min})`,
      fix: hint?.fix ?? `use at least ${min} characters`,
    };
  }
  if (issue.origin === "array") {
    const count = Array.isArray(value) ? value.length : 0;
    return {
      message: `${count === 0 ? "empty list" : `only ${count} ${plural(count, "entry", "entries")}`} (at least ${min})`,
      fix: hint?.fix ?? `add at least ${min} ${plural(min, "entry", "entries")}`,
    };
  }
  const bound = issue.inclusive === false ? `greater than ${min}` : `at least ${min}`;
  return { message: `too small (${String(value)}, must be ${bound})`, fix: hint?.fix ?? `use ${bound}` };
}

function tooBig(issue: z.core.$ZodIssueTooBig, value: unknown, hint: ConfigHint | undefined) {
  const max = Number(issue.maximum);
  if (issue.origin === "string") {
    const length = typeof value === "string" ? value.length : 0;
    return {
      message: `too long (${length} characters, at most ${max})`,
      fix: hint?.fix ?? `use at most ${max} characters`,
    };
  }
  if (issue.origin === "array") {
    const count = Array.isArray(value) ? value.length : 0;
    return {
      message: `too many entries (${count}, at most ${max})`,
      fix: hint?.fix ?? `keep at most ${max} ${plural(max, "entry", "entries")}`,
    };
  }
  const bound = issue.inclusive === false ? `less than ${max}` : `at most ${max}`;
  return { message: `too large (${String(value)}, must be ${bound})`, fix: hint?.fix ?? `use ${bound}` };
}

function describeExpected(expected: string): string {
  switch (expected) {
    case "int":
      return "a whole number";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "an object";
    case "boolean":
      return "a boolean (true or false)";
    default:
      return `a ${expected}`;
  }
}

/** Names the kind of a value, never the value: a secret written inline may be of the wrong type. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a fractional number";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "string") return "a string";
  return `an ${typeof value}`;
}

function listValues(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
