import { join, resolve } from "node:path";
import { nodeSha256Hex } from "../adapters/runtime/node-sha256.js";
import { openPostgresStore } from "../adapters/sql/postgres.js";
import { openSqliteStore } from "../adapters/sql/sqlite.js";
import { loadConfigFile, resolveConfigPath } from "../config/load-file.js";
import { formatProblems } from "../config/parse.js";
import type { TaskgateConfig } from "../config/schema.js";
import { StorageSchema } from "../config/storage-schema.js";
import { parseDuration } from "../core/duration.js";
import type { Store } from "../ports/store.js";
import { chainStart } from "../services/audit-retention.js";
import { sealedEntries, verifyAudit } from "../services/audit-sealer.js";
import { findLocalDataDir } from "./local-mode.js";

export interface AuditCommandArgs {
  sub: string | undefined;
  config?: string | undefined;
  head?: string | undefined;
  since?: string | undefined;
  /** Where output goes (stdout by default; tests capture it). */
  out?: (line: string) => void;
  err?: (line: string) => void;
  now?: () => number;
}

/**
 * `taskgate audit verify|head|export`: reads the store the config names directly (local mode:
 * ./data/taskgate.db), never through a running gateway. Exit 0 fine, 1 chain broken, 2 usage.
 */
export async function runAuditCommand(a: AuditCommandArgs): Promise<number> {
  const out = a.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = a.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (a.sub !== "verify" && a.sub !== "head" && a.sub !== "export") {
    err(`taskgate audit: say verify, head or export (got ${a.sub === undefined ? "nothing" : `"${a.sub}"`})`);
    return 2;
  }
  if (a.head !== undefined && !/^[0-9a-f]{64}$/.test(a.head)) {
    err("taskgate audit: --head must be the 64 hex digits `taskgate audit head` printed");
    return 2;
  }
  let since = 0;
  if (a.sub === "export" && a.since !== undefined) {
    const parsed = parseSince(a.since, (a.now ?? Date.now)());
    if (parsed === undefined) {
      err(
        `taskgate audit export: --since must be epoch ms, an ISO time or a duration like 24h (got "${a.since}")`,
      );
      return 2;
    }
    since = parsed;
  }
  const config = configFor(a.config);
  if (!config.ok) {
    err(config.message);
    return 2;
  }
  const store = await openForAudit(config.config);
  if (!store) {
    err("taskgate audit: the config's storage is kept in memory or on D1; there is nothing here to read");
    return 2;
  }
  try {
    if (a.sub === "head") {
      const head = await store.audit.head();
      if (!head) {
        err("the audit log has no sealed entry yet");
        return 1;
      }
      out(head.hash);
      err(`entry ${head.seq}; keep this hash elsewhere, then: taskgate audit verify --head ${head.hash}`);
      return 0;
    }
    if (a.sub === "export") {
      // After a purge the chain starts at its checkpoint: export what verify covers.
      const start = await chainStart(store.audit);
      const after = start.ok ? (start.from?.seq ?? 0) : 0;
      for await (const e of sealedEntries(store.audit, after)) if (e.at >= since) out(JSON.stringify(e));
      return 0;
    }
    const started = Date.now();
    const { verdict, unsealed, from } = await verifyAudit(store.audit, {
      ...(a.head ? { head: a.head } : {}),
      sha256: nodeSha256Hex,
    });
    const ms = Date.now() - started;
    if (!verdict.ok) {
      out(
        `audit chain BROKEN (${verdict.problem}) at entry ${verdict.seq ?? "-"} (${verdict.entryId ?? "-"})`,
      );
      out(verdict.message);
      return 1;
    }
    const head = verdict.head ? `head ${verdict.head.seq} ${verdict.head.hash}` : "empty";
    const start = from ? ` from checkpoint at seq ${from.seq}` : "";
    out(
      `audit chain OK: ${verdict.count} entries verified${start} in ${ms} ms, ${head}; ${unsealed} not sealed yet`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function configFor(
  path: string | undefined,
): { ok: true; config: Pick<TaskgateConfig, "storage"> } | { ok: false; message: string } {
  const file = resolveConfigPath(path);
  if (file === undefined) {
    // Local mode's database, as `taskgate serve` without a config keeps it.
    return {
      ok: true,
      config: {
        storage: StorageSchema.parse({
          kind: "sqlite",
          path: join(findLocalDataDir(process.cwd()) ?? resolve("data"), "taskgate.db"),
        }),
      },
    };
  }
  const loaded = loadConfigFile(file);
  if (!loaded.ok)
    return { ok: false, message: `${file}: the config has problems:\n${formatProblems(loaded.problems)}` };
  return { ok: true, config: loaded.config };
}

async function openForAudit(config: Pick<TaskgateConfig, "storage">): Promise<Store | undefined> {
  const s = config.storage;
  if (s.kind === "postgres") return openPostgresStore({ url: s.url, poolSize: 2 });
  if (s.kind === "sqlite") return openSqliteStore({ path: s.path, cacheMb: s.cacheMb });
  return undefined;
}

/** Epoch ms, an ISO time, or a duration back from now (`24h`, `7d`). */
export function parseSince(value: string, now: number): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  try {
    return now - parseDuration(value);
  } catch {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
}
