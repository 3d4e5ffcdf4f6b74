import { MemoryStore } from "./adapters/memory/memory-store.js";
import { isPostgresFault } from "./adapters/sql/postgres-faults.js";
import { openSqliteStore } from "./adapters/sql/sqlite.js";
import type { TaskgateConfig } from "./config/schema.js";
import type { Logger } from "./ports/logger.js";
import type { Store } from "./ports/store.js";

/** First and longest pause between tries to reach a store that is down at start-up. */
const FIRST_TRY_DELAY_MS = 250;
const MAX_TRY_DELAY_MS = 5_000;

/**
 * Opens (and migrates) the configured store. PostgreSQL that is down or restarting at start-up
 * is waited for, with capped backoff and a warning per try, forever: an orchestrator restarting
 * replicas in a loop helps nobody, and `/readyz` says the process is not ready meanwhile. Any
 * other failure (a bad path, a failed migration) stops the start.
 */
export async function openStoreWhenReachable(config: TaskgateConfig, logger: Logger): Promise<Store> {
  let delay = FIRST_TRY_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openStore(config, logger);
    } catch (err) {
      if (!isPostgresFault(err) && !isPostgresFault((err as { cause?: unknown } | null)?.cause)) throw err;
      logger.warn("store unreachable at start-up; trying again", {
        attempt,
        retryInMs: delay,
        error: err instanceof Error ? err.message : String(err),
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_TRY_DELAY_MS);
    }
  }
}

async function openStore(config: TaskgateConfig, logger: Logger): Promise<Store> {
  const s = config.storage;
  if (s.kind === "postgres") {
    // Loaded only when configured: the pg driver is ~15 MB of resident memory a SQLite gateway never uses.
    const { openPostgresStore } = await import("./adapters/sql/postgres.js");
    return openPostgresStore({
      url: s.url,
      poolSize: s.poolSize,
      onConnectionError: (err) =>
        logger.warn("store connection lost; it is reopened on demand", { error: err.message }),
    });
  }
  if (s.kind === "memory") return Promise.resolve(new MemoryStore());
  if (s.kind === "d1") {
    return Promise.reject(
      new Error(
        'storage kind "d1" runs only on Cloudflare Workers (src/worker.ts); on Node use "sqlite" or "postgres"',
      ),
    );
  }
  return openSqliteStore({
    path: s.path,
    synchronous: s.synchronous,
    cacheMb: s.cacheMb,
    releaseLeasesAtStart: true,
    backgroundCheckpoints: {
      onFailure: (error) =>
        logger.warn("the SQLite checkpoint thread stopped; commits checkpoint the WAL themselves again", {
          error: error.message,
        }),
    },
  });
}
