import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";

/**
 * A worker on workerd through the Miniflare API, run as its own process by bench/workerd.ts (so
 * the bench can stop it and its workerd child as one process group). Prints one JSON line with
 * its URL when ready; stops on SIGTERM.
 *
 * - `--gateway OUTDIR`: taskgate as deployed. The bundle is `wrangler deploy --dry-run` output
 *   (minified, exactly what would be uploaded), D1 in memory with the wrangler migrations
 *   applied, and the bindings taken as JSON from $TASKGATE_BENCH_BINDINGS.
 * - `--echo`: the workerd baseline, a bare handler that parses the JSON body and answers it.
 *
 * `cf: false` keeps workerd off the network (no request.cf fetch). Two URLs are printed: `url`
 * goes through Miniflare's entry worker (as `wrangler dev` does, one more isolate hop per
 * request), `directUrl` is a socket straight to the worker, as an edge server would call it.
 */

const { values: opts } = parseArgs({
  options: { gateway: { type: "string" }, echo: { type: "boolean", default: false } },
});
const REPO = resolve(import.meta.dirname, "..");
const COMPATIBILITY_DATE = "2026-04-26";
const ECHO = "export default { async fetch(request) { return Response.json(await request.json()); } };";

function bundleGateway(outdir: string): string {
  const r = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--env", "", "--outdir", outdir], {
    cwd: REPO,
    encoding: "utf8",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
    },
  });
  if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}\n${r.stderr}`);
  return join(outdir, "worker.js");
}

/** The statements of each wrangler migration file, in order (one statement per line, by construction). */
function migrationStatements(): string[] {
  const dir = join(REPO, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("--"));
}

async function main(): Promise<void> {
  let mf: Miniflare;
  if (opts.echo) {
    mf = new Miniflare({
      modules: true,
      script: ECHO,
      compatibilityDate: COMPATIBILITY_DATE,
      host: "127.0.0.1",
      port: 0,
      cf: false,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    });
  } else {
    if (!opts.gateway) throw new Error("pass --gateway OUTDIR or --echo");
    const bindings = JSON.parse(process.env.TASKGATE_BENCH_BINDINGS ?? "{}") as Record<string, string>;
    mf = new Miniflare({
      modules: true,
      scriptPath: bundleGateway(opts.gateway),
      // The bundle lives in a temp dir; workerd refuses module paths that climb out of the root.
      modulesRoot: opts.gateway,
      compatibilityDate: COMPATIBILITY_DATE,
      host: "127.0.0.1",
      port: 0,
      cf: false,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      d1Databases: { DB: "taskgate-bench" },
      bindings,
    });
    const db = await mf.getD1Database("DB");
    await db.batch(migrationStatements().map((s) => db.prepare(s)));
  }
  const url = await mf.ready;
  const directUrl = await mf.unsafeGetDirectURL();
  process.stdout.write(
    `${JSON.stringify({
      msg: "workerd listening",
      url: url.origin,
      directUrl: directUrl.origin,
      mode: opts.echo ? "echo" : "gateway",
    })}\n`,
  );
  const stop = () => {
    mf.dispose().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `workerd-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
