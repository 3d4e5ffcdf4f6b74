import { resolve } from "node:path";
import { loadConfigFile, resolveConfigPath } from "../config/load-file.js";
import { formatProblems } from "../config/parse.js";
import { createEmulator } from "../emulator/emulator.js";
import { startGateway, stopOnSignals } from "../node.js";
import { VERSION } from "../version.js";
import { type CliArgs, parseCliArgs, USAGE } from "./args.js";
import { runEmulatorCommand } from "./emulator-command.js";
import { helpText } from "./help.js";
import { localBanner, localConfig } from "./local-mode.js";
import { runSendCommand } from "./send-command.js";

/** Exit codes: 0 fine, 1 runtime failure, 2 bad usage or bad config. */
async function main(argv: string[]): Promise<number> {
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
    case "emulator":
      await runEmulatorCommand({
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
  if (!source || !args.body) {
    console.error(`usage: taskgate send SOURCE --body FILE [--url URL]\n\n${USAGE}`);
    return 2;
  }
  const path = resolveConfigPath(args.config);
  const loaded = path === undefined ? localConfigResult(args) : loadConfigFile(path);
  if (!loaded.ok) {
    console.error(`taskgate send: the config has problems:\n${formatProblems(loaded.problems)}`);
    return 2;
  }
  return runSendCommand(loaded.config, {
    source,
    bodyFile: args.body,
    ...(args.url ? { url: args.url } : {}),
  });
}

/** Without a config file, `send` talks to a local-mode gateway (its demo source). */
function localConfigResult(args: CliArgs) {
  return { ok: true as const, config: localConfig(resolve("data"), args.port ?? envPort() ?? 8080) };
}

function checkCommand(args: CliArgs): number {
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
  console.log(
    `${path}: OK — CDF project "${c.cdf.project}" at ${c.cdf.baseUrl}, storage ${c.storage.kind}, ` +
      `${c.signingKeys.length} signing key(s), API auth: ${[c.api.keys?.length ? `${c.api.keys.length} key(s)` : "", c.api.oidc ? "OIDC" : ""].filter(Boolean).join(" + ")}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`taskgate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
