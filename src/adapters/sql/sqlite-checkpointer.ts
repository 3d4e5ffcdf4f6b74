import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the thread checkpoints (each pass copies what the WAL gained since the last). */
export const CHECKPOINT_INTERVAL_MS = 100;
/** SQLite's own default: a commit that takes the WAL past this many frames checkpoints inline. */
export const INLINE_AUTOCHECKPOINT_FRAMES = 1000;
/**
 * A WAL this long (frames of a page, ~32 MiB) is restarted by the thread. A PASSIVE checkpoint
 * copies frames while the writer appends more, and the writer starts the WAL over only at a
 * commit that finds every frame copied: under steady writes that moment may never come, and the
 * file would grow without end. A RESTART checkpoint holds the writer off while it copies the few
 * frames left and syncs (the writer waits in its busy timeout, a few milliseconds), then the WAL
 * starts over. One that finds the WAL still read (a long read transaction elsewhere) waits at most
 * 20 ms, holding the writer off meanwhile, then is not tried again for 1 s, doubling up to 30 s.
 */
export const RESTART_FRAMES = 8192;

export interface SqliteCheckpointerOptions {
  /** The database file (WAL mode), already created by the connection that writes it. */
  path: string;
  intervalMs?: number;
  /** See RESTART_FRAMES. */
  restartFrames?: number;
  /**
   * Called once the thread holds its connection: the writer may then stop checkpointing inline
   * (`wal_autocheckpoint = 0`). Until then, and if the thread never gets that far, it checkpoints
   * as before.
   */
  onReady: () => void;
  /** The thread failed or exited unasked: the writer must checkpoint inline again. */
  onFailure: (error: Error) => void;
  /** The module the thread loads SQLite from (tests name a broken one to exercise the failure). */
  sqliteModule?: string;
}

export interface SqliteCheckpointer {
  /** Settles once the thread holds its connection (after `onReady`) or has failed to. */
  started: Promise<void>;
  /** Closes the thread's connection and ends the thread; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * WAL checkpoints on a thread of their own (Node). A checkpoint copies the WAL's pages into the
 * database file between two `fsync`s, and SQLite runs it inside whichever commit takes the WAL
 * past 1,000 frames: with the single-threaded gateway's group commit, ~10 ms every ~160 callbacks
 * during which no request is served (issue 15). A PASSIVE checkpoint on a second connection waits
 * for nobody and blocks nobody: the writer keeps appending while it copies, and restarts the WAL
 * at its next commit once the checkpoint has caught up. Durability is unchanged: a commit is in
 * the WAL before anything is acknowledged, whoever copies it later.
 */
export function startSqliteCheckpointer(options: SqliteCheckpointerOptions): SqliteCheckpointer {
  const sqliteModule = options.sqliteModule ?? createRequire(import.meta.url).resolve("better-sqlite3");
  // Evaluated source rather than a module file: the same code runs from dist/ and under vitest,
  // and the thread resolves nothing relative to the process's working directory.
  const worker = new Worker(`(${checkpointThread.toString()})(require);`, {
    eval: true,
    // The thread keeps almost nothing alive: a small heap keeps its share of the RSS small.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    workerData: {
      path: options.path,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      restartFrames: options.restartFrames ?? RESTART_FRAMES,
      sqliteModule,
    },
  });
  worker.unref();
  let stopping = false;
  let failed = false;
  let settle = () => {};
  const started = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const fail = (error: Error) => {
    settle();
    if (stopping || failed) return;
    failed = true;
    options.onFailure(error);
  };
  worker.on("message", (message: unknown) => {
    if (message === "ready") {
      options.onReady();
      settle();
    } else if (isFailure(message)) fail(new Error(message.error));
  });
  worker.on("error", fail);
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  void exited.then(() => fail(new Error("the checkpoint thread exited")));
  return {
    started,
    stop: async () => {
      stopping = true;
      worker.postMessage("stop");
      // A checkpoint in progress finishes first; the thread then closes its connection and ends.
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function isFailure(message: unknown): message is { error: string } {
  return (
    typeof message === "object" &&
    message !== null &&
    typeof (message as { error?: unknown }).error === "string"
  );
}

/**
 * The thread's whole program, run as evaluated source (so it closes over nothing). A busy
 * checkpoint (another connection's exclusive lock) is tried again at the next tick; any other
 * error is reported and ends the thread.
 */
function checkpointThread(load: (id: string) => unknown): void {
  const { parentPort, workerData } = load("node:worker_threads") as typeof import("node:worker_threads");
  const data = workerData as {
    path: string;
    intervalMs: number;
    restartFrames: number;
    sqliteModule: string;
  };
  const port = parentPort!;
  type Connection = { pragma(source: string): unknown; close(): void };
  let db: Connection;
  try {
    const Database = load(data.sqliteModule) as new (path: string, options: object) => Connection;
    db = new Database(data.path, { fileMustExist: true });
    // Only the RESTART below waits, holding the writer lock meanwhile: for the writer's current
    // transaction (a few milliseconds) and for readers of older frames. A reader that takes longer
    // (a long CLI read) is not waited for: the RESTART gives up and is tried again later.
    db.pragma("busy_timeout = 20");
    // A checkpoint copies frames from the WAL to the file without the page cache.
    db.pragma("cache_size = -256");
  } catch (error) {
    port.postMessage({ error: `the checkpoint thread could not open the database: ${String(error)}` });
    return;
  }
  let restartAfter = 0;
  let backOffMs = 1_000;
  const timer = setInterval(() => {
    try {
      const [passive] = db.pragma("wal_checkpoint(PASSIVE)") as { log: number }[];
      if (!passive || passive.log < data.restartFrames || Date.now() < restartAfter) return;
      const [restart] = db.pragma("wal_checkpoint(RESTART)") as { busy: number }[];
      if (restart?.busy) {
        restartAfter = Date.now() + backOffMs;
        backOffMs = Math.min(backOffMs * 2, 30_000);
      } else backOffMs = 1_000;
    } catch (error) {
      if ((error as { code?: unknown }).code === "SQLITE_BUSY") return;
      clearInterval(timer);
      port.postMessage({ error: `checkpoint failed: ${String(error)}` });
      db.close();
      port.close();
    }
  }, data.intervalMs);
  port.on("message", (message: unknown) => {
    if (message !== "stop") return;
    clearInterval(timer);
    db.close();
    port.close();
  });
  port.postMessage("ready");
}
