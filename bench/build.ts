import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** Newest modification time (ms) of the files under `dir`, or -1 when there are none. */
function newest(dir: string, pick: (name: string) => boolean): number {
  let max = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !pick(entry.name)) continue;
    max = Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

/** Whether any file under `dir` has another name elsewhere (a hard link). */
function hardLinked(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).nlink > 1) return true;
  }
  return false;
}

/**
 * The bench measures the gateway as it ships: `npm run build` output, run by bin/taskgate.js.
 * Builds when dist/ is missing or older than src/. A dist/ whose files are hard links is shared
 * with another checkout; it is removed first so the build writes new files instead of rewriting
 * the shared ones in place. Returns what it did, for the report.
 */
export function ensureBuilt(repo: string): "fresh" | "built" {
  const dist = join(repo, "dist");
  let built = -1;
  try {
    built = statSync(join(dist, "cli", "main.js")).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = newest(join(repo, "src"), (n) => /\.tsx?$/.test(n));
  if (built >= sources && !hardLinked(dist)) return "fresh";
  rmSync(dist, { recursive: true, force: true });
  // Its output goes to stderr: with --json, stdout carries the one JSON object only.
  const r = spawnSync("npm", ["run", "build"], { cwd: repo, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
  return "built";
}
