import { USAGE } from "./args.js";

/** One command's help: how to call it, its options, and an example that works as written. */
interface CommandHelp {
  usage: string;
  summary: string;
  options: [string, string][];
  example: string;
}

const CONFIG_OPTION: [string, string] = [
  "-c, --config FILE",
  "the config file (else $TASKGATE_CONFIG, else ./taskgate.config.json)",
];

export const COMMAND_HELP: Record<string, CommandHelp> = {
  serve: {
    usage: "taskgate serve [--config FILE] [--port N] [--host H]",
    summary:
      "Runs the gateway. With no config file it starts in local mode: SQLite under ./data, the CDF\nemulator at /emulator, the API key local-dev-key, and a walkthrough printed at start.",
    options: [
      CONFIG_OPTION,
      ["-p, --port N", "the port (overrides PORT and the config; 0 picks a free one)"],
      ["--host H", "the address to listen on"],
    ],
    example: "taskgate serve --port 9000",
  },
  check: {
    usage: "taskgate check [--config FILE]",
    summary: "Validates a config file and names every problem with its path; exits 2 when there is one.",
    options: [CONFIG_OPTION],
    example: "taskgate check --config taskgate.config.json",
  },
  send: {
    usage: "taskgate send SOURCE --body FILE [--url URL] [--config FILE]",
    summary:
      "Signs FILE with SOURCE's secret, as its provider would, posts it to /hooks/SOURCE and prints\nthe answer. In local mode the source is `demo`.",
    options: [
      ["--body FILE", "the webhook body to sign and send"],
      ["--url URL", "where to send it (default: the config's publicUrl + /hooks/SOURCE)"],
      CONFIG_OPTION,
    ],
    example: "taskgate send demo --body event.json",
  },
  emulator: {
    usage: "taskgate emulator [--port N] [--host H]",
    summary:
      "Runs the CDF emulator on its own: a local CDF with an identity provider, to try a config against.",
    options: [
      ["-p, --port N", "the port"],
      ["--host H", "the address to listen on"],
    ],
    example: "taskgate emulator --port 9090",
  },
  help: {
    usage: "taskgate help [COMMAND]",
    summary: "Prints the usage, or one command's usage, options and an example (also: COMMAND --help).",
    options: [],
    example: "taskgate help send",
  },
};

/** The help for `command` (undefined for an unknown one), or the overall usage without one. */
export function helpText(command?: string): string | undefined {
  if (command === undefined)
    return `${USAGE}\n\nMore on one command: taskgate help COMMAND (or COMMAND --help).`;
  const help = COMMAND_HELP[command];
  if (!help) return undefined;
  const width = Math.max(0, ...help.options.map(([o]) => o.length)) + 2;
  const lines = [`Usage: ${help.usage}`, "", help.summary];
  if (help.options.length > 0) {
    lines.push("", "Options:", ...help.options.map(([o, d]) => `  ${o.padEnd(width)}${d}`));
  }
  lines.push("", "Example:", `  ${help.example}`);
  return lines.join("\n");
}
