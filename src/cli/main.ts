import { resolve } from "node:path";
import { loadConfigFile, resolveConfigPath } from "../config/load-file.js";
import { formatProblems } from "../config/parse.js";
import { startGateway, stopOnSignals } from "../node.js";
import { VERSION } from "../version.js";
import { type CliArgs, parseCliArgs, USAGE } from "./args.js";
import { helpText } from "./help.js";

/*
 * Each command's module is imported when that command runs: `serve` with a config file then never
 * loads the emulator, the pg driver (purge, audit) or the CLI's other commands, ~10 MB of resident
 * memory a gateway carried for nothing.
 */

/** Commands that parse their own options (subcommands, filters), so the global parser never sees them. */
const OWN_OPTIONS: Record<string, (argv: string[]) => Promise<number>> = {
  deliveries: async (argv) => (await import("./deliveries-command.js")).runDeliveriesCommand(argv),
  purge: async (argv) => (await import("./purge-command.js")).runPurgeCommand(argv),
};

/** Exit codes: 0 fine, 1 runtime failure, 2 bad usage or bad config. */
async function main(argv: string[]): Promise<number> {
  const own = argv[0] === undefined ? undefined : OWN_OPTIONS[argv[0]];
  if (own) return own(argv.slice(1));
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (args.version) {
    console.log(VERSION);
    return 0;
  }
  if (args.command === "help" || args.help) {
    // `help`, `help COMMAND`, `COMMAND --help`
    const topic = args.command === "help" ? args.positionals[0] : args.command;
    const text = helpText(topic);
    if (text === undefined) {
      console.error(`unknown command "${topic}"\n\n${helpText()}`);
      return 2;
    }
    console.log(text);
    return 0;
  }
  if (args.command === undefined) {
    console.log(helpText());
    return 2;
  }
  switch (args.command) {
    case "serve":
      return serveCommand(args);
    case "check":
      return checkCommand(args);
    case "send":
      return sendCommand(args);
    case "audit":
      return (await import("./audit-command.js")).runAuditCommand({
        sub: args.positionals[0],
        config: args.config,
        head: args.head,
        since: args.since,
      });
    case "emulator":
      await (await import("./emulator-command.js")).runEmulatorCommand({
        ...(args.port !== undefined ? { port: args.port } : {}),
        ...(args.host ? { host: args.host } : {}),
      });
      return 0;
    default:
      console.error(`unknown command "${args.command}"\n\n${USAGE}`);
      return 2;
  }
}

function envPort(): number | undefined {
  const raw = process.env.PORT;
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : undefined;
}

async function serveCommand(args: CliArgs): Promise<number> {
  const port = args.port ?? envPort();
  const path = resolveConfigPath(args.config);
  if (path === undefined) {
    const { localBanner, localConfig } = await import("./local-mode.js");
    const { createEmulator } = await import("../emulator/emulator.js");
    const dataDir = resolve("data");
    const config = localConfig(dataDir, port ?? 8080);
    const gateway = await startGateway({
      config,
      port: config.server.port,
      emulator: createEmulator().app,
      derivePublicUrl: true,
    });
    stopOnSignals(gateway, gateway.logger);
    process.stderr.write(localBanner(gateway.url, dataDir, await gateway.consoleSignInLink?.()));
    return await new Promise<number>(() => {});
  }
  const loaded = loadConfigFile(path);
  if (!loaded.ok) {
    console.error(`taskgate: the config ${path} has problems:\n${formatProblems(loaded.problems)}`);
    return 2;
  }
  const gateway = await startGateway({ config: loaded.config, ...(port !== undefined ? { port } : {}) });
  stopOnSignals(gateway, gateway.logger);
  return await new Promise<number>(() => {});
}

async function sendCommand(args: CliArgs): Promise<number> {
  const source = args.positionals[0];
  if (!args.list && !source) {
    console.error(
      `usage: taskgate send SOURCE (--event NAME | --body FILE) [--key K] [--header K:V]... [--url URL]\n` +
        "       taskgate send [SOURCE] --list    (the sample events of each source)",
    );
    return 2;
  }
  const path = resolveConfigPath(args.config);
  const { runSendCommand, runSendList } = await import("./send-command.js");
  let loaded: ReturnType<typeof loadConfigFile>;
  if (path === undefined) {
    const { findLocalDataDir, localConfig } = await import("./local-mode.js");
    // Local mode: the demo source's secret is in the data dir of the gateway `npm start` runs.
    const dataDir = findLocalDataDir(process.cwd());
    if (dataDir === undefined) {
      console.error(
        "taskgate send: no config file, and no local-mode gateway's ./data here or above (start one with `npm start` in the checkout), " +
          "so there is no source to sign for; pass --config FILE or set TASKGATE_CONFIG",
      );
      return 2;
    }
    loaded = { ok: true, config: localConfig(dataDir, args.port ?? envPort() ?? 8080) };
  } else {
    loaded = loadConfigFile(path);
  }
  if (!loaded.ok) {
    console.error(`taskgate send: the config has problems:\n${formatProblems(loaded.problems)}`);
    return 2;
  }
  if (args.list) return runSendList(loaded.config, source);
  return runSendCommand(loaded.config, {
    source: source!,
    ...(args.event !== undefined ? { event: args.event } : {}),
    ...(args.body !== undefined ? { bodyFile: args.body } : {}),
    ...(args.key !== undefined ? { key: args.key } : {}),
    headers: args.headers,
    ...(args.url ? { url: args.url } : {}),
  });
}

async function checkCommand(args: CliArgs): Promise<number> {
  const path = resolveConfigPath(args.config);
  if (path === undefined) {
    console.error(
      "taskgate check: no config file (pass --config FILE, set TASKGATE_CONFIG, or create taskgate.config.json)",
    );
    return 2;
  }
  const loaded = loadConfigFile(path);
  if (!loaded.ok) {
    console.error(`${path}: ${loaded.problems.length} problem(s)\n${formatProblems(loaded.problems)}`);
    return 2;
  }
  const c = loaded.config;
  const { checkSources, readSampleFile, SampleFileProblem } = await import("./check-command.js");
  console.log(
    `${path}: OK — CDF project "${c.cdf.project}" at ${c.cdf.baseUrl}, storage ${c.storage.kind}, ` +
      `${c.signingKeys.length} signing key(s), API auth: ${[c.api.keys?.length ? `${c.api.keys.length} key(s)` : "", c.api.oidc ? "OIDC" : ""].filter(Boolean).join(" + ")}`,
  );
  let failures: number;
  try {
    const files = args.samples.map(readSampleFile);
    failures = await checkSources(c, files, (line) => console.log(line));
  } catch (err) {
    if (err instanceof SampleFileProblem) {
      console.error(`taskgate check: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (Object.keys(c.sources ?? {}).length > 0) {
    console.log(
      failures === 0
        ? "every sample evaluates (a status means: queued to its open wait, or parked until one is registered)"
        : `${failures} failure(s): an expression that fails on a sample fails on the real webhook too (the sender gets 400)`,
    );
  }
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`taskgate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
