import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Node arguments that run a TypeScript entry through tsx from any working directory (`--import
 * tsx` alone resolves the package relative to the cwd, which a test's temp dir does not have).
 */
export function tsxArgs(entry: string): string[] {
  const loader = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  return ["--import", loader, join(ROOT, entry)];
}
