import { parseArgs } from "node:util";

export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  config?: string;
  port?: number;
  host?: string;
  body?: string;
  url?: string;
  help: boolean;
  version: boolean;
}

/** Parses `taskgate <command> [--config FILE] [--port N] [--host H]`; throws with a usable message. */
export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: "string", short: "c" },
      port: { type: "string", short: "p" },
      host: { type: "string" },
      body: { type: "string" },
      url: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
      version: { type: "boolean", short: "v", default: false },
    },
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
    }
  }
  return {
    command: positionals[0],
    positionals: positionals.slice(1),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.body !== undefined ? { body: values.body } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

export const USAGE = `taskgate — webhook and approval gateway for CDF Data Workflows

Usage:
  taskgate serve [--config FILE] [--port N]   run the gateway (local mode when there is no config)
  taskgate check [--config FILE]              validate a config file and name every problem
  taskgate emulator [--port N]                run the local CDF emulator on its own
  taskgate send SOURCE --body FILE [--url URL]
                                              sign FILE with the source's secret, as the provider
                                              would, and send it to /hooks/SOURCE
  taskgate help [COMMAND]                     usage, options and an example for a command

The config is --config FILE, else $TASKGATE_CONFIG, else ./taskgate.config.json.
PORT in the environment overrides the configured port; --port overrides both.`;
