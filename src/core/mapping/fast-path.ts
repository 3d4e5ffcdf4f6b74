/**
 * A fast path for the JSONata most source mappings are written in: field paths, string, number,
 * boolean and null literals, `=` `!=` `and` `or` `&`, the ternary `? :`, `( )` around one
 * expression, object constructors with literal keys, and `$name` variables taskgate binds.
 *
 * It is compiled from JSONata's own AST and gives exactly JSONata's result. Where it cannot be sure
 * of that on a payload (an array anywhere along a path, an array body, a value type it does not
 * handle, two objects compared, an object concatenated), it answers `UNSURE` and the caller runs
 * JSONata itself for that evaluation. Anything outside the subset is never compiled here.
 */

import type jsonata from "jsonata";

/** The answer when the subset evaluator cannot promise JSONata's result on this payload. */
export const UNSURE: unique symbol = Symbol("unsure");

type Bindings = Readonly<Record<string, unknown>> | undefined;

/** A subset expression, compiled: JSONata's result, or `UNSURE`. Never throws. */
export type FastEvaluator = (input: unknown, bindings: Bindings) => unknown;

/** The node fields JSONata's AST carries; the library exports no type for it. */
interface AstNode {
  type?: unknown;
  value?: unknown;
  steps?: unknown;
  lhs?: unknown;
  rhs?: unknown;
  condition?: unknown;
  then?: unknown;
  else?: unknown;
  expressions?: unknown;
}

/** Past this many nodes an expression is left to JSONata and its time budget. */
const MAX_NODES = 1000;

/** Keys JSONata refuses to construct (D1013): left to JSONata to say so. */
const RESERVED_KEYS = new Set(["_jsonata_lambda", "_jsonata_function"]);

/** Each node type in the subset and the only fields it may carry (a predicate, `[]`, `@`... may not). */
const ALLOWED_FIELDS: Record<string, ReadonlySet<string>> = {
  string: new Set(["type", "value", "position"]),
  number: new Set(["type", "value", "position"]),
  value: new Set(["type", "value", "position"]),
  name: new Set(["type", "value", "position"]),
  variable: new Set(["type", "value", "position"]),
  path: new Set(["type", "steps"]),
  binary: new Set(["type", "value", "position", "lhs", "rhs"]),
  condition: new Set(["type", "position", "condition", "then", "else"]),
  unary: new Set(["type", "value", "position", "lhs"]),
  block: new Set(["type", "position", "expressions"]),
};

interface Compiled {
  run: (input: unknown, bindings: Bindings) => unknown;
  /** How deep JSONata's evaluator nests for this node (what its `stack` budget counts). */
  depth: number;
}

/**
 * Compiles `ast` (from `jsonata(text).ast()`) when the whole expression is in the subset and nests
 * well inside `maxDepth` (JSONata's stack budget); undefined otherwise (JSONata evaluates it).
 */
export function compileFastPath(ast: unknown, maxDepth: number): FastEvaluator | undefined {
  const budget = { nodes: MAX_NODES };
  const compiled = compileNode(ast, budget);
  // Half the depth budget: an expression anywhere near it stays with JSONata and its guard.
  if (!compiled || compiled.depth * 2 > maxDepth) return undefined;
  const run = compiled.run;
  return (input, bindings) => (Array.isArray(input) ? UNSURE : run(input, bindings));
}

function compileNode(node: unknown, budget: { nodes: number }): Compiled | undefined {
  if (--budget.nodes < 0 || !isAstNode(node)) return undefined;
  switch (node.type) {
    case "string":
      return typeof node.value === "string" ? constant(node.value) : undefined;
    case "number":
      return typeof node.value === "number" && Number.isFinite(node.value) ? constant(node.value) : undefined;
    case "value":
      return node.value === true || node.value === false || node.value === null
        ? constant(node.value)
        : undefined;
    case "variable":
      return isBoundName(node.value) ? variable(node.value) : undefined;
    case "path":
      return path(node, budget);
    case "binary":
      return binary(node, budget);
    case "condition":
      return condition(node, budget);
    case "unary":
      return node.value === "{" ? objectConstructor(node, budget) : undefined;
    case "block": {
      const only = Array.isArray(node.expressions) && node.expressions.length === 1;
      const inner = only ? compileNode((node.expressions as unknown[])[0], budget) : undefined;
      return inner && { run: inner.run, depth: inner.depth + 1 };
    }
    default:
      return undefined;
  }
}

/** An object whose type is in the subset and that carries no field outside it. */
function isAstNode(node: unknown): node is AstNode {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return false;
  const type = (node as AstNode).type;
  if (typeof type !== "string" || !Object.hasOwn(ALLOWED_FIELDS, type)) return false;
  const allowed = ALLOWED_FIELDS[type]!;
  return Object.keys(node).every((key) => allowed.has(key));
}

/** `$name`, not `$` or `$$` (the context and the root, which JSONata special-cases). */
function isBoundName(name: unknown): name is string {
  return typeof name === "string" && name !== "" && name !== "$";
}

function constant(value: unknown): Compiled {
  return { run: () => value, depth: 1 };
}

function variable(name: string): Compiled {
  return { run: (_input, bindings) => boundValue(bindings, name), depth: 1 };
}

/** A variable taskgate bound for this evaluation; anything else (JSONata's `$now`...) is unsure. */
function boundValue(bindings: Bindings, name: string): unknown {
  if (bindings === undefined || !Object.hasOwn(bindings, name)) return UNSURE;
  const value = bindings[name];
  return value === undefined ? UNSURE : checked(value);
}

/** `a.b.c`, or `$var.b.c`: names only, no predicate, wildcard or other step. */
function path(node: AstNode, budget: { nodes: number }): Compiled | undefined {
  const steps = node.steps;
  if (!Array.isArray(steps) || steps.length === 0) return undefined;
  const names: string[] = [];
  let from: string | undefined;
  for (const [i, step] of steps.entries()) {
    if (--budget.nodes < 0 || !isAstNode(step) || typeof step.value !== "string") return undefined;
    if (step.type === "variable" && i === 0 && isBoundName(step.value)) from = step.value;
    else if (step.type === "name") names.push(step.value);
    else return undefined;
  }
  const depth = 2; // the path, then each step evaluated inside it
  if (from === undefined) return { run: (input) => walk(input, names), depth };
  const name = from;
  return {
    run: (_input, bindings) => {
      const start = boundValue(bindings, name);
      return start === UNSURE ? UNSURE : walk(start, names);
    },
    depth,
  };
}

/**
 * JSONata's lookup, one name at a time: own properties of an object only, anything else
 * undefined. An array (JSONata maps over it and flattens) is unsure.
 */
function walk(start: unknown, names: readonly string[]): unknown {
  let value = start;
  for (const name of names) {
    if (value === null || typeof value !== "object") return undefined;
    if (Array.isArray(value) || isJsonataFunction(value)) return UNSURE;
    if (!Object.hasOwn(value, name)) return undefined;
    value = checked((value as Record<string, unknown>)[name]);
    if (value === UNSURE || value === undefined) return value;
  }
  return value;
}

/** A value the subset handles as JSONata does, or `UNSURE`. */
function checked(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return value;
    case "number":
      // JSONata raises D1001 on a non-finite number wherever it inspects one.
      return Number.isFinite(value) ? value : UNSURE;
    case "object": {
      if (value === null) return value;
      if (Array.isArray(value) || isJsonataFunction(value)) return UNSURE;
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null ? value : UNSURE;
    }
    default:
      return UNSURE;
  }
}

/** JSONata treats objects carrying its function markers as functions, not data. */
function isJsonataFunction(value: object): boolean {
  const v = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return v._jsonata_function === true || v._jsonata_lambda === true;
}

function binary(node: AstNode, budget: { nodes: number }): Compiled | undefined {
  const op = node.value;
  if (op !== "=" && op !== "!=" && op !== "and" && op !== "or" && op !== "&") return undefined;
  const lhs = compileNode(node.lhs, budget);
  const rhs = compileNode(node.rhs, budget);
  if (!lhs || !rhs) return undefined;
  const depth = 1 + Math.max(lhs.depth, rhs.depth);
  const left = lhs.run;
  const right = rhs.run;
  switch (op) {
    case "and":
    case "or":
      // JSONata does not evaluate the right side once the left decides.
      return {
        run: (input, bindings) => {
          const l = truthy(left(input, bindings));
          if (l === UNSURE) return UNSURE;
          if (op === "and" ? !l : l) return l;
          return truthy(right(input, bindings));
        },
        depth,
      };
    case "&":
      return {
        run: (input, bindings) => {
          const l = text(left(input, bindings));
          if (l === UNSURE) return UNSURE;
          const r = text(right(input, bindings));
          return r === UNSURE ? UNSURE : l + r;
        },
        depth,
      };
    default: {
      const negate = op === "!=";
      return {
        run: (input, bindings) => {
          const l = left(input, bindings);
          if (l === UNSURE) return UNSURE;
          const r = right(input, bindings);
          if (r === UNSURE) return UNSURE;
          // Comparing with undefined is false, whichever the operator.
          if (l === undefined || r === undefined) return false;
          // Two objects need JSONata's deep equality.
          if (typeof l === "object" && l !== null && typeof r === "object" && r !== null) return UNSURE;
          return negate ? l !== r : l === r;
        },
        depth,
      };
    }
  }
}

/** JSONata's effective boolean value (`$boolean`, undefined counting as false). */
function truthy(value: unknown): boolean | typeof UNSURE {
  switch (typeof value) {
    case "undefined":
      return false;
    case "string":
      return value.length > 0;
    case "number":
      return value !== 0;
    case "boolean":
      return value;
    case "object":
      if (value === null) return false;
      // Arrays and functions never get here (unsure upstream); plain objects: non-empty is true.
      return Array.isArray(value) ? UNSURE : Object.keys(value).length > 0;
    default:
      return UNSURE;
  }
}

/** An operand of `&` as JSONata's `$string` writes it (undefined is the empty string). */
function text(value: unknown): string | typeof UNSURE {
  switch (typeof value) {
    case "undefined":
      return "";
    case "string":
      return value;
    case "boolean":
      return String(value);
    case "number":
      // JSONata rounds non-integers to 15 significant digits.
      return String(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
    case "object":
      // null is "null"; an object is JSON with JSONata's number rounding: left to JSONata.
      return value === null ? "null" : UNSURE;
    default:
      return UNSURE;
  }
}

function condition(node: AstNode, budget: { nodes: number }): Compiled | undefined {
  const test = compileNode(node.condition, budget);
  const then = compileNode(node.then, budget);
  const otherwise = node.else === undefined ? undefined : compileNode(node.else, budget);
  if (!test || !then || (node.else !== undefined && !otherwise)) return undefined;
  const depth = 1 + Math.max(test.depth, then.depth, otherwise?.depth ?? 0);
  const ifTrue = then.run;
  const ifFalse = otherwise?.run;
  const decide = test.run;
  return {
    run: (input, bindings) => {
      const c = truthy(decide(input, bindings));
      if (c === UNSURE) return UNSURE;
      if (c) return ifTrue(input, bindings);
      return ifFalse ? ifFalse(input, bindings) : undefined;
    },
    depth,
  };
}

/**
 * `{ 'key': expr, ... }` with distinct literal keys. Like JSONata's, the object has no prototype
 * and drops keys whose value is undefined.
 */
function objectConstructor(node: AstNode, budget: { nodes: number }): Compiled | undefined {
  if (!Array.isArray(node.lhs)) return undefined;
  const keys: string[] = [];
  const values: Compiled["run"][] = [];
  let depth = 1;
  for (const pair of node.lhs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const key = compileNode(pair[0], budget);
    const keyNode = pair[0] as AstNode;
    if (!key || keyNode.type !== "string" || typeof keyNode.value !== "string") return undefined;
    // A repeated key is JSONata's D1009; its reserved keys are D1013: both left to JSONata.
    if (keys.includes(keyNode.value) || RESERVED_KEYS.has(keyNode.value)) return undefined;
    const value = compileNode(pair[1], budget);
    if (!value) return undefined;
    keys.push(keyNode.value);
    values.push(value.run);
    depth = Math.max(depth, 1 + key.depth, 1 + value.depth);
  }
  return {
    run: (input, bindings) => {
      const out: Record<string, unknown> = Object.create(null);
      for (let i = 0; i < keys.length; i++) {
        const value = values[i]!(input, bindings);
        if (value === UNSURE) return UNSURE;
        if (value !== undefined) out[keys[i]!] = value;
      }
      return out;
    },
    depth,
  };
}

/** A compiled source expression, as taskgate evaluates it. */
export interface MappingExpression {
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
  /** In the subset: evaluated here, with JSONata only where the fast path is unsure. */
  readonly fast: boolean;
}

/**
 * `expression` with the fast path in front when it is in the subset: the same results, errors
 * and budget as JSONata's own `evaluate`, since JSONata runs whenever the fast path is unsure.
 */
export function withFastPath(expression: ReturnType<typeof jsonata>, maxDepth: number): MappingExpression {
  const fast = compileFastPath(expression.ast(), maxDepth);
  if (!fast) return { evaluate: (input, bindings) => expression.evaluate(input, bindings), fast: false };
  return {
    evaluate: (input, bindings) => {
      const result = fast(input, bindings);
      return result === UNSURE ? expression.evaluate(input, bindings) : Promise.resolve(result);
    },
    fast: true,
  };
}
