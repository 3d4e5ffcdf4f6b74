import { parseArgs } from "node:util";

export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  config?: string;
  port?: number;
  host?: string;
  body?: string;
  url?: string;
  /** `send --event NAME`: a bundled sample event. */
  event?: string;
  /** `send --key K`: the correlation key to put into the body. */
  key?: string;
  /** `send --header K:V`, repeatable, in order. */
  headers: [string, string][];
  /** `send --list`. */
  list: boolean;
  /** `check --sample FILE`, repeatable. */
  samples: string[];
  /** `audit verify --head HASH`, `audit export --since T`. */
  head?: string;
  since?: string;
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
      event: { type: "string", short: "e" },
      key: { type: "string", short: "k" },
      header: { type: "string", short: "H", multiple: true },
      list: { type: "boolean", default: false },
      sample: { type: "string", multiple: true },
      head: { type: "string" },
      since: { type: "string" },
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
  const headers = (values.header ?? []).map(parseHeader);
  return {
    command: positionals[0],
    positionals: positionals.slice(1),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.body !== undefined ? { body: values.body } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.event !== undefined ? { event: values.event } : {}),
    ...(values.key !== undefined ? { key: values.key } : {}),
    headers,
    list: values.list ?? false,
    samples: values.sample ?? [],
    ...(values.head !== undefined ? { head: values.head } : {}),
    ...(values.since !== undefined ? { since: values.since } : {}),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `Name: value` (curl's form; the space is optional). */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  const name = colon < 0 ? "" : text.slice(0, colon).trim();
  if (!HEADER_NAME.test(name)) {
    throw new Error(`--header must be NAME:VALUE (e.g. --header 'X-GitHub-Event: push'), got "${text}"`);
  }
  return [name.toLowerCase(), text.slice(colon + 1).trim()];
}

export const USAGE = `taskgate — webhook and approval gateway for CDF Data Workflows

Usage:
  taskgate serve [--config FILE] [--port N]   run the gateway (local mode when there is no config)
  taskgate check [--config FILE] [--sample FILE]...
                                              validate a config file and run each source's
                                              expressions over its sample events
  taskgate emulator [--port N]                run the local CDF emulator on its own
  taskgate send SOURCE (--event NAME | --body FILE) [--key K] [--header K:V]... [--url URL]
                                              sign a sample event (or FILE) with the source's
                                              secret, as the provider would, send it to
                                              /hooks/SOURCE, and show what goes to CDF
  taskgate send [SOURCE] --list               the sample events of each source
  taskgate audit verify|head|export [--head HASH] [--since T] [--config FILE]
                                              check the audit chain, print its head, export it
  taskgate deliveries list|show|replay|follow [--url URL]
                                              inspect and replay deliveries of a running taskgate
  taskgate purge [--dry-run] [--config FILE]  apply retention now to the configured store
  taskgate help [COMMAND]                     usage, options and an example for a command

The config is --config FILE, else $TASKGATE_CONFIG, else ./taskgate.config.json.
PORT in the environment overrides the configured port; --port overrides both.`;
