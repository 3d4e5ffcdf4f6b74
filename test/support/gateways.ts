import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { loadConfigFile } from "../../src/config/load-file.js";
import { formatProblems } from "../../src/config/parse.js";
import { type RunningGateway, startGateway } from "../../src/node.js";
import { captureLogger, type LogEntry } from "./capture-logger.js";
import type { GatewayConfigFile } from "./gateway-config.js";
import { TaskgateApi } from "./taskgate-api.js";
import { ROOT, tsxArgs } from "./tsx.js";

/** The gateway inside the test process, started from a config file through the real loader. */
export interface InProcessGateway {
  url: string;
  api: TaskgateApi;
  gateway: RunningGateway;
  logs: LogEntry[];
  close(): Promise<void>;
}

export async function startInProcessGateway(file: GatewayConfigFile): Promise<InProcessGateway> {
  const loaded = loadConfigFile(file.path, { ...file.env });
  if (!loaded.ok) throw new Error(`test config rejected:\n${formatProblems(loaded.problems)}`);
  const logger = captureLogger();
  const gateway = await startGateway({ config: loaded.config, port: 0, derivePublicUrl: true, logger });
  return {
    url: gateway.url,
    api: new TaskgateApi(gateway.url, file.apiKey),
    gateway,
    logs: logger.entries,
    close: () => gateway.close(5_000),
  };
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `taskgate serve` as a real child process. */
export interface ChildGateway {
  url: string;
  pid: number;
  api: TaskgateApi;
  /** Every JSON log line the process wrote to stdout so far. */
  logs: Record<string, unknown>[];
  /** Everything it wrote, for failure messages. */
  output(): string;
  /** Resolves once the process has exited and its output is read. */
  exited: Promise<ExitInfo>;
  readonly running: boolean;
  kill(signal: NodeJS.Signals): void;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last line of defence: no gateway outlives the test worker, however it ends. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of children) child.kill("SIGKILL");
  });
}

export interface SpawnOptions {
  startTimeoutMs?: number;
  /**
   * Run the package as it ships (`bin/taskgate.js` → dist/, which `npm run build` and `npm ci`
   * write) instead of the sources through tsx: starts in a fraction of the time, so load and
   * fault tests spend the machine on the gateway. Refuses a dist/ older than src/.
   */
  built?: boolean;
}

/**
 * Spawns `node --import tsx src/cli/main.ts serve --config FILE --port 0` (in the config's dir),
 * or `node bin/taskgate.js serve …` with `built`, and learns its URL from the `taskgate
 * listening` log line.
 */
export async function spawnGateway(
  file: GatewayConfigFile,
  options: SpawnOptions = {},
): Promise<ChildGateway> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  installExitHook();
  const env: Record<string, string | undefined> = { ...process.env, ...file.env };
  delete env.PORT;
  delete env.TASKGATE_CONFIG;
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    [
      ...(options.built ? builtArgs() : tsxArgs("src/cli/main.ts")),
      "serve",
      "--config",
      file.path,
      "--port",
      "0",
    ],
    { cwd: dirname(file.path), env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  let output = "";
  const logs: Record<string, unknown>[] = [];
  let running = true;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once("close", (code, signal) => {
      running = false;
      children.delete(child);
      resolveExit({ code, signal });
    });
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    output += chunk;
  });

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the gateway did not start within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === "taskgate listening" && typeof entry.url === "string") {
        clearTimeout(timer);
        resolveUrl(entry.url);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited before listening (code ${code}, signal ${signal}):\n${output}`));
    });
  });

  return {
    url,
    pid: child.pid!,
    api: new TaskgateApi(url, file.apiKey),
    logs,
    output: () => output,
    exited,
    get running() {
      return running;
    },
    kill: (signal) => {
      if (running) process.kill(child.pid!, signal);
    },
  };
}

/** `bin/taskgate.js`, once dist/ is known to be at least as new as src/. */
function builtArgs(): string[] {
  const main = join(ROOT, "dist/cli/main.js");
  if (!existsSync(main) || statSync(main).mtimeMs < newestSource(join(ROOT, "src"))) {
    throw new Error("dist/ is missing or older than src/: run `npm run build` first");
  }
  return [join(ROOT, "bin/taskgate.js")];
}

function newestSource(dir: string): number {
  let max = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      max = Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return max;
}

/** SIGKILLs every gateway process still running and waits until each is gone. */
export async function killAllChildren(): Promise<void> {
  const waiting = [...children].map(
    (child) =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("close", () => done());
        child.kill("SIGKILL");
      }),
  );
  await Promise.all(waiting);
}
