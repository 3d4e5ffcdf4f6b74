/** One thing wrong with a configuration: where, what, and how to fix it. Never carries a secret. */
export interface ConfigProblem {
  /** Where, written like `signingKeys[0].secret`, `cdf.auth.clientSecret`, `(root)` or `(file)`. */
  path: string;
  message: string;
  fix: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders a path the way people write it in JSON paths, so a problem points at the exact spot. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment))
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === "" ? "(root)" : out;
}

/** One line per problem, `path: message; fix: fix`, for start-up errors and `taskgate check`. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}; fix: ${p.fix}`).join("\n");
}
