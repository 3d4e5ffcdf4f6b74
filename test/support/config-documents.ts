import { envRef as ref } from "../../src/config/interpolate.js";
import { type ConfigProblem, formatProblems, parseConfig } from "../../src/config/parse.js";

/**
 * Documents for the config tests, one file per section: each test starts from the smallest valid
 * document and changes one thing, so a problem it expects can only come from that change.
 */

export type Doc = Record<string, unknown>;
export type Path = (string | number)[];

export const HEX = "a".repeat(64);
export const env = {
  SIGNING: "sig-secret-0123456789-0123456789-abcdef",
  SHORT: "short-secret", // 12 characters
  CDF_CLIENT_SECRET: "cdf-client-secret-do-not-leak",
  HOST: "taskgate.internal",
};

/** The smallest valid document; every test starts from a fresh copy. */
export function minimal(): Doc {
  return {
    publicUrl: "https://taskgate.example.com",
    cdf: {
      baseUrl: "https://westeurope-1.cognitedata.com",
      project: "my-project",
      auth: { type: "token", token: "tok" },
    },
    signingKeys: [{ kid: "k1", secret: ref("SIGNING") }],
    api: { keys: [{ name: "fn", sha256: HEX }] },
  };
}

/** A copy of `doc` with the value at `path` replaced (or removed, for undefined). */
export function edit(doc: Doc, path: Path, value: unknown): Doc {
  const copy = structuredClone(doc);
  let node: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) {
    node[segment] ??= typeof segment === "number" ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** The parsed config, or a thrown error listing the problems (for documents that must be valid). */
export function configOf(doc: Doc, vars: Record<string, string | undefined> = env) {
  const result = parseConfig(doc, vars);
  if (!result.ok) throw new Error(`expected a valid config:\n${formatProblems(result.problems)}`);
  return result.config;
}

/** The problems of a document that must be invalid. */
export function problemsOf(doc: unknown, vars: Record<string, string | undefined> = env): ConfigProblem[] {
  const result = parseConfig(doc, vars);
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}
