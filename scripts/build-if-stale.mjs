#!/usr/bin/env node
/**
 * `npm start`'s pre-step: compiles src/ to dist/ only when something it is built from changed
 * since the last successful build (a stamp in dist/), so a warm start skips tsc's ~10 s.
 * `--force` always compiles (`npm run build`). Plain JavaScript: it runs before anything is compiled.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const stamp = join(root, "dist", ".build-stamp");
const inputs = ["package.json", "package-lock.json", "tsconfig.base.json", "tsconfig.build.json"];

/** The newest modification time under `path` (files only), 0 when it does not exist. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const builtAt = newest(stamp);
const changedAt = Math.max(newest(join(root, "src")), ...inputs.map((f) => newest(join(root, f))));
const force = process.argv.includes("--force");
if (!force && builtAt > 0 && builtAt >= changedAt) process.exit(0);

const startedAt = Date.now();
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
// Stamped with the time the build began: a file saved during the build makes the next start build again.
writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
utimesSync(stamp, new Date(startedAt), new Date(startedAt));
