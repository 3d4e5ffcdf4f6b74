import { type ConfigProblem, formatPath } from "./problem.js";

const OPEN = "${env:";
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Writes a reference, `${env:NAME}`, without tripping lint rules about template placeholders. */
export function envRef(name: string): string {
  return `${OPEN}${name}}`;
}

export interface InterpolationResult {
  value: unknown;
  problems: ConfigProblem[];
}

/**
 * Replaces every `${env:NAME}` in every string of the document, so secrets stay out of config
 * files. A string with a problem is left as written (the caller reports the problem instead of a
 * follow-on schema error), and problems name variables, never their values.
 */
export function interpolateEnv(raw: unknown, env: Record<string, string | undefined>): InterpolationResult {
  const problems: ConfigProblem[] = [];
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === "string") return interpolateString(node, env, formatPath(path), problems);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === "object") {
      // fromEntries defines own properties, so a "__proto__" key stays data.
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };
  const value = walk(raw, []);
  return { value, problems };
}

/** How to give a variable a value, where taskgate runs (a shell, or a Workers binding). */
function setFix(name: string): string {
  return `export ${name}=... before starting taskgate (on Workers: a variable or secret named ${name})`;
}

/** `${ENV:X}`, `${Env:X}`, `${ env:X }`: meant as a reference, written so it would be taken literally. */
const NEAR_MISS = /\$\{\s*env\s*:\s*([^}]*?)\s*\}/gi;

/**
 * References that are almost `${env:NAME}` (the prefix in another case, spaces inside): a problem
 * each, never kept as literal text, since a secret such as `${ENV:TOKEN}` would otherwise become
 * the secret.
 */
function nearMisses(text: string): { message: string; fix: string }[] {
  const out: { message: string; fix: string }[] = [];
  for (const m of text.matchAll(NEAR_MISS)) {
    const name = m[1] ?? "";
    // The exact prefix is the main loop's to judge (a malformed name is reported there).
    if (m[0].startsWith(OPEN)) continue;
    const valid = NAME.test(name);
    out.push({
      message: `${m[0]} is not an environment reference (the prefix is case-sensitive and has no spaces), so it would be taken literally`,
      fix: valid
        ? `write it as ${envRef(name)}`
        : `write it as ${envRef("NAME")}, e.g. ${envRef("CDF_CLIENT_SECRET")}`,
    });
  }
  return out;
}

function interpolateString(
  text: string,
  env: Record<string, string | undefined>,
  path: string,
  problems: ConfigProblem[],
): string {
  const found: ConfigProblem[] = [];
  const add = (problem: ConfigProblem) => {
    if (!found.some((p) => p.message === problem.message)) found.push(problem);
  };
  for (const near of nearMisses(text)) add({ path, ...near });
  if (!text.includes(OPEN)) {
    if (found.length > 0) problems.push(...found);
    return text;
  }
  let out = "";
  let from = 0;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start === -1) break;
    out += text.slice(from, start);
    const end = text.indexOf("}", start + OPEN.length);
    const name = end === -1 ? undefined : text.slice(start + OPEN.length, end);
    if (name === undefined || !NAME.test(name)) {
      add({
        path,
        message: `malformed environment reference: "${OPEN}" must be followed by a variable name (letters, digits, underscores) and "}"`,
        fix: `write it as ${envRef("NAME")}, e.g. ${envRef("CDF_CLIENT_SECRET")}`,
      });
      if (end === -1) {
        from = text.length;
        break;
      }
    } else {
      const resolved = env[name];
      if (resolved === undefined || resolved === "") {
        add({
          path,
          message: `${envRef(name)} is ${resolved === undefined ? "not set" : "set but empty"}`,
          fix: setFix(name),
        });
      } else {
        out += resolved;
      }
    }
    from = end + 1;
  }
  out += text.slice(from);
  if (found.length > 0) {
    problems.push(...found);
    return text;
  }
  return out;
}
