import jsonata from "jsonata";

/** Where a correlation key lives, read off a source's correlationKey expression. */
export type KeyLocation = { in: "body"; path: (string | number)[] } | { in: "header"; name: string };

/** The parts of JSONata's AST this file reads; the library exports no type for it. */
interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  stages?: AstNode[];
  predicate?: AstNode[];
  expr?: AstNode;
  arguments?: AstNode[];
  procedure?: AstNode;
  lhs?: AstNode;
}

/**
 * Where to write a correlation key so that `expression` reads it back: a plain path
 * (`data.object.id`, `payload.actions[0].value`), the same wrapped in `$string(...)`, or
 * `$headers.name`. Anything else (a computed key) is undefined: the caller falls back to where the
 * sample keeps its key, and checks the result by evaluating the expression.
 */
export function keyLocation(expression: string): KeyLocation | undefined {
  let ast: AstNode;
  try {
    ast = jsonata(expression).ast() as AstNode;
  } catch {
    return undefined;
  }
  if (
    ast.type === "function" &&
    ast.procedure?.type === "variable" &&
    ast.procedure.value === "string" &&
    ast.arguments?.length === 1
  ) {
    ast = ast.arguments[0]!;
  }
  if (ast.type !== "path" || !ast.steps || ast.steps.length === 0) return undefined;
  const [first, ...rest] = ast.steps;
  if (first!.type === "variable") {
    const only = rest[0];
    if (first!.value !== "headers" || rest.length !== 1 || only?.type !== "name" || hasStages(only))
      return undefined;
    return typeof only.value === "string" ? { in: "header", name: only.value.toLowerCase() } : undefined;
  }
  const path: (string | number)[] = [];
  for (const step of ast.steps) {
    if (step.type !== "name" || typeof step.value !== "string" || step.predicate) return undefined;
    path.push(step.value);
    for (const stage of step.stages ?? []) {
      const index = stage.type === "filter" && stage.expr?.type === "number" ? stage.expr.value : undefined;
      if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return undefined;
      path.push(index);
    }
  }
  return { in: "body", path };
}

function hasStages(node: AstNode): boolean {
  return (node.stages?.length ?? 0) > 0 || (node.predicate?.length ?? 0) > 0;
}

/** Variables taskgate binds when it evaluates a source's expressions. */
const BOUND_BY_TASKGATE = new Set(["headers", "query"]);

/**
 * Functions an expression calls that exist nowhere: not JSONata's, not bound by the expression
 * itself (`$f := function...`, a lambda's parameters), not taskgate's bindings. JSONata compiles
 * `$foo()` happily and only fails when that branch runs, which may be never in a test and the
 * first time in production; `taskgate check` names them up front.
 */
export async function unknownFunctions(expression: string): Promise<string[]> {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return [];
  }
  const called = new Set<string>();
  const bound = new Set<string>(BOUND_BY_TASKGATE);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as AstNode & Record<string, unknown>;
    if ((n.type === "function" || n.type === "partial") && n.procedure?.type === "variable") {
      if (typeof n.procedure.value === "string") called.add(n.procedure.value);
    }
    if (n.type === "bind" && n.lhs?.type === "variable" && typeof n.lhs.value === "string")
      bound.add(n.lhs.value);
    if (n.type === "lambda") {
      for (const arg of n.arguments ?? []) if (typeof arg.value === "string") bound.add(arg.value);
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(ast);
  const unknown: string[] = [];
  for (const name of called) {
    if (bound.has(name)) continue;
    const builtin = await jsonata(`$${name}`).evaluate({});
    if (builtin === undefined) unknown.push(`$${name}`);
  }
  return unknown;
}
