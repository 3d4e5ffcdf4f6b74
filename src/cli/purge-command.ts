import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../adapters/runtime/system-clock.js";
import { uuid7Ids } from "../adapters/runtime/uuid7-ids.js";
import { openPostgresStore } from "../adapters/sql/postgres.js";
import { openSqliteStore } from "../adapters/sql/sqlite.js";
import { loadConfigFile, resolveConfigPath } from "../config/load-file.js";
import { formatProblems } from "../config/parse.js";
import { type RetentionConfig, RetentionSchema } from "../config/retention-schema.js";
import type { TaskgateConfig } from "../config/schema.js";
import { StorageSchema } from "../config/storage-schema.js";
import type { Store } from "../ports/store.js";
import { purgeSteps, runPurge } from "../services/retention.js";
import { helpText } from "./help.js";
import { findLocalDataDir } from "./local-mode.js";
import { formatDuration, formatTable, formatTime } from "./table.js";

/**
 * `taskgate purge [--dry-run] [--config FILE]`: applies `retention` once, now, to the store the
 * config names (without a config: local mode's ./data/taskgate.db), and prints what it deleted
 * (or would) per kind. It opens the database directly, beside a running gateway if there is one:
 * each batch is a short transaction, and leases are left alone.
 */
export async function runPurgeCommand(argv: string[]): Promise<number> {
  let values: { config?: string | undefined; "dry-run"?: boolean | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        config: { type: "string", short: "c" },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    console.error(
      `taskgate purge: ${err instanceof Error ? err.message : String(err)}\n\n${helpText("purge")}`,
    );
    return 2;
  }
  if (values.help) {
    console.log(helpText("purge"));
    return 0;
  }
  const target = purgeTarget(values.config);
  if ("error" in target) {
    console.error(`taskgate purge: ${target.error}`);
    return 2;
  }
  const { storage, retention } = target;
  if (storage.kind === "memory") {
    console.log(
      "taskgate purge: storage is memory; nothing outlives the process, so there is nothing to purge",
    );
    return 0;
  }
  if (storage.kind === "d1") {
    console.error(
      "taskgate purge: storage d1 is reached from Workers only; there each cron pass applies retention",
    );
    return 2;
  }
  const store: Store =
    storage.kind === "postgres"
      ? await openPostgresStore({ url: storage.url, poolSize: 2 })
      : await openSqliteStore({
          path: storage.path,
          synchronous: storage.synchronous,
          cacheMb: storage.cacheMb,
        });
  try {
    const dryRun = values["dry-run"] ?? false;
    const clock = systemClock;
    const steps = purgeSteps(store, retention, { ids: uuid7Ids(clock), clock });
    const started = Date.now();
    const reports = await runPurge(steps, started, { batch: retention.batch, dryRun });
    const where = storage.kind === "postgres" ? "postgres" : `sqlite ${storage.path}`;
    console.log(`${dryRun ? "Dry run: nothing is deleted. " : ""}Store: ${where}\n`);
    console.log(
      formatTable(
        ["KIND", "KEPT FOR", "SETTLED BEFORE", dryRun ? "WOULD DELETE" : "DELETED"],
        reports.map((r, i) => [
          r.kind,
          formatDuration(steps[i]!.keepMs),
          formatTime(r.before),
          String(r.count),
        ]),
      ),
    );
    const total = reports.reduce((n, r) => n + r.count, 0);
    console.log(
      `\n${dryRun ? `${total} row(s) would be deleted` : `${total} row(s) deleted in ${Date.now() - started} ms`}`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

type Target = { storage: TaskgateConfig["storage"]; retention: RetentionConfig } | { error: string };

function purgeTarget(configFlag: string | undefined): Target {
  const path = resolveConfigPath(configFlag);
  if (path === undefined) {
    // Local mode keeps its database here; purge it with the default periods.
    const db = join(findLocalDataDir(process.cwd()) ?? resolve("data"), "taskgate.db");
    if (!existsSync(db)) {
      return {
        error: `no config file (--config FILE, $TASKGATE_CONFIG or ./taskgate.config.json) and no local-mode database at ${db}`,
      };
    }
    return {
      storage: StorageSchema.parse({ kind: "sqlite", path: db }),
      retention: RetentionSchema.parse({}),
    };
  }
  const loaded = loadConfigFile(path);
  if (!loaded.ok) return { error: `the config ${path} has problems:\n${formatProblems(loaded.problems)}` };
  return { storage: loaded.config.storage, retention: loaded.config.retention };
}
