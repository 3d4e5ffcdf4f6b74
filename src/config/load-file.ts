import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ParseConfigResult, parseConfigText } from "./parse.js";

export const DEFAULT_CONFIG_FILE = "taskgate.config.json";

/**
 * Which config file to use: `--config`, then `TASKGATE_CONFIG`, then `taskgate.config.json` in
 * the working directory if it exists. `undefined` means there is none, which selects local mode;
 * a path that was named explicitly is returned even if missing, so loading it fails loudly
 * instead of falling back to local mode.
 */
export function resolveConfigPath(
  cliPath?: string,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  if (cliPath !== undefined) return resolve(cwd, cliPath);
  const fromEnv = env.TASKGATE_CONFIG;
  if (fromEnv !== undefined && fromEnv !== "") return resolve(cwd, fromEnv);
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

/** Reads and validates a JSONC config file; an unreadable file is a problem at `(file)`. */
export function loadConfigFile(
  path: string,
  env: Record<string, string | undefined> = process.env,
): ParseConfigResult {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (err) {
    return { ok: false, problems: [{ path: "(file)", ...readFailure(absolute, err) }] };
  }
  const result = parseConfigText(text, env, "(file)");
  if (!result.ok) {
    for (const problem of result.problems) {
      if (problem.path === "(file)") problem.message = `${absolute}: ${problem.message}`;
    }
  }
  return result;
}

function readFailure(path: string, err: unknown): { message: string; fix: string } {
  const code = err !== null && typeof err === "object" && "code" in err ? String(err.code) : "unknown error";
  switch (code) {
    case "ENOENT":
      return {
        message: `${path} does not exist`,
        fix: "create it (start from taskgate.config.example.json) or pass the right path with --config or TASKGATE_CONFIG",
      };
    case "EISDIR":
      return { message: `${path} is a directory`, fix: "name the config file itself, not its directory" };
    case "EACCES":
    case "EPERM":
      return {
        message: `${path} cannot be read (permission denied)`,
        fix: "make the file readable by the user running taskgate",
      };
    default:
      return {
        message: `${path} cannot be read (${code})`,
        fix: "check that the path names a readable file",
      };
  }
}
