import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const SOURCES = resolve(ROOT, "test/runtime-matrix");

export interface SmokeBundle {
  dir: string;
  /** The smoke run itself: the app, its dependencies and the emulator, in one file. */
  bundle: string;
  bundleBytes: number;
  /** The program Node, Deno and Bun run (imports ./smoke.mjs). */
  cli: string;
  /** The module worker workerd runs (imports ./smoke.mjs). */
  worker: string;
}

/** Hosts import the smoke run from the one bundle beside them, never a copy of their own. */
const smokeAsSibling: Plugin = {
  name: "smoke-as-sibling",
  setup(b) {
    b.onResolve({ filter: /^\.\/smoke\.js$/ }, () => ({ path: "./smoke.mjs", external: true }));
  },
};

/**
 * Bundles the runtime-matrix smoke run once into a self-contained ESM file that Node, Deno, Bun
 * and workerd all load unchanged, plus two few-line hosts (a program, a module worker). Platform
 * "neutral" assumes nothing Node-specific, and the `workerd`/`worker`/`browser` conditions pick
 * dependencies' Web builds, so a Node-only import fails here rather than on one runtime.
 */
export async function bundleSmoke(dir: string): Promise<SmokeBundle> {
  const common: BuildOptions = {
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["browser", "module", "main"],
    conditions: ["workerd", "worker", "browser"],
    outExtension: { ".js": ".mjs" },
    outdir: dir,
    legalComments: "none",
    logLevel: "silent",
    absWorkingDir: ROOT,
  };
  const results = await Promise.all([
    build({ ...common, entryPoints: [{ in: join(SOURCES, "smoke.ts"), out: "smoke" }] }),
    build({
      ...common,
      entryPoints: [
        { in: join(SOURCES, "host-cli.ts"), out: "cli" },
        { in: join(SOURCES, "host-workerd.ts"), out: "worker" },
      ],
      plugins: [smokeAsSibling],
    }),
  ]);
  const problems = results.flatMap((r) => [...r.errors, ...r.warnings]);
  if (problems.length > 0) throw new Error(`esbuild: ${problems.map((p) => p.text).join("; ")}`);
  const bundle = join(dir, "smoke.mjs");
  return {
    dir,
    bundle,
    bundleBytes: statSync(bundle).size,
    cli: join(dir, "cli.mjs"),
    worker: join(dir, "worker.mjs"),
  };
}

/** `node --import tsx scripts/smoke-bundle.ts [dir]`: writes the bundle and prints its size. */
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const built = await bundleSmoke(resolve(process.argv[2] ?? "test-results/runtime-matrix"));
  console.log(`${built.bundle} (${(built.bundleBytes / 1024).toFixed(1)} KiB)`);
}
