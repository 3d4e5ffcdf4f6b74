import { USAGE } from "./args.js";
import { SAMPLE_EVENTS, type SampleEvent } from "./sample-events.js";

/** One command's help: how to call it, its options, and an example that works as written. */
interface CommandHelp {
  usage: string;
  summary: string;
  options: [string, string][];
  example: string;
  /** Printed after the example (e.g. the bundled events). */
  more?: () => string;
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
    usage: "taskgate check [--config FILE] [--sample FILE]...",
    summary: [
      "Validates a config file and names every problem with its path (exit 2), then runs each source's",
      "expressions over the bundled sample events of its scheme and over each --sample file, printing",
      "per sample the status, correlation key and output taskgate would use, or why it is ignored.",
      "Exits 1 when an expression fails on a sample or calls a function JSONata does not have.",
    ].join("\n"),
    options: [
      CONFIG_OPTION,
      [
        "--sample FILE",
        'a webhook to try, naming its source: {"source": NAME, "body": {...} or "raw text",\n' +
          `${" ".repeat(21)}"headers"?: {...}, "query"?: {...}, "name"?: LABEL} (repeatable)`,
      ],
    ],
    example: "taskgate check --config taskgate.config.json --sample push-event.json",
  },
  send: {
    usage:
      "taskgate send SOURCE (--event NAME | --body FILE) [--key K] [--header K:V]... [--url URL] [--config FILE]",
    summary: [
      "Sends SOURCE a webhook as its provider would: a bundled sample event of the source's scheme (new",
      "ids and times each time, the provider's own headers such as X-GitHub-Event) or FILE, signed with",
      "the source's secret, to /hooks/SOURCE. Prints the answer (queued, parked, ignored or duplicate,",
      "and why) and what taskgate sends to CDF for it, from the source's expressions run here. In local",
      "mode the source is `demo`. `taskgate send --list` lists each source's events.",
    ].join("\n"),
    options: [
      ["-e, --event NAME", "a bundled sample event (see below, or --list)"],
      ["--body FILE", "send FILE instead (its bytes as they are, unless --key must go in)"],
      ["-k, --key K", "the correlation key: written where the source's correlationKey reads it"],
      [
        "-H, --header K:V",
        "a header to add or override, after the sample's and the signature's (repeatable)",
      ],
      ["--list", "list the events of each source (or of SOURCE) in the config"],
      ["--url URL", "where to send it (default: the config's publicUrl + /hooks/SOURCE)"],
      ["-p, --port N", "local mode: the gateway's port (default 8080, or PORT)"],
      CONFIG_OPTION,
    ],
    example: "taskgate send demo --event demo.completed --key order-1",
    more: eventsByScheme,
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
  audit: {
    usage: "taskgate audit verify|head|export [--head HASH] [--since T] [--config FILE]",
    summary:
      "Reads the audit log from the store the config names (local mode: ./data/taskgate.db).\n" +
      "verify recomputes the hash chain and names the first entry edited, deleted, inserted or\n" +
      "reordered (exit 1); with --head it also detects a cut tail. head prints the chain's head hash\n" +
      "to keep elsewhere. export writes the sealed entries as JSON lines.",
    options: [
      ["--head HASH", "verify: a head kept earlier; if no entry has it, the tail was cut"],
      ["--since T", "export: entries at or after T (epoch ms, ISO time, or a duration like 24h)"],
      CONFIG_OPTION,
    ],
    example: "taskgate audit verify --head $(taskgate audit head)",
  },
  deliveries: {
    usage:
      "taskgate deliveries list [--status S] [--source S] [--since 1h] [--until T] [--limit N] [--json]\n" +
      "       taskgate deliveries show ID [--json]\n" +
      "       taskgate deliveries replay ID... | replay --status dead|delivered [--source S] [--since 1h] [--dry-run]\n" +
      "       taskgate deliveries follow [--status S] [--source S] [--interval 1s] [--json]",
    summary:
      "Inspects and replays the deliveries of a running taskgate over its API: list them (newest\n" +
      "first), show one with every forwarding attempt (CDF status, request id, message), queue some\n" +
      "again by id or in bulk (at most 1,000 per run; it says when more match), or follow them as\n" +
      "they arrive and settle (Ctrl-C stops). The key is TASKGATE_API_KEY; local mode needs none.\n" +
      "Times: a duration ago (1h, 30m, 7d) or an ISO time. Exits 1 when taskgate refuses or is unreachable.",
    options: [
      ["--url URL", "the taskgate (else $TASKGATE_URL, else http://127.0.0.1:8080)"],
      ["--status S", "list/follow: any state; replay: dead or delivered (a bulk replay)"],
      ["--source S", "only this source's webhooks"],
      ["--since WHEN", "only deliveries that arrived since (1h, or 2026-12-04T17:00:00Z)"],
      ["--until WHEN", "only deliveries that arrived before"],
      ["--limit N", "list: how many, newest first (default 50, at most 1000)"],
      ["--dry-run", "bulk replay: count what would be queued, queue nothing"],
      ["--interval D", "follow: how often to poll (default 1s)"],
      ["--json", "JSON for scripts (follow: one JSON line per change)"],
    ],
    example: "taskgate deliveries replay --status dead --since 1h --dry-run",
  },
  purge: {
    usage: "taskgate purge [--dry-run] [--config FILE]",
    summary:
      "Applies retention (the config's `retention` periods) once, now, to the store the config names,\n" +
      "in short batches, and prints per kind how many rows it deleted. Without a config it purges\n" +
      "local mode's ./data/taskgate.db with the default periods. A running gateway does the same on\n" +
      "its own every retention.interval; this is for a one-off or a look first (--dry-run).",
    options: [["--dry-run", "count what would be deleted; delete nothing"], CONFIG_OPTION],
    example: "taskgate purge --dry-run --config taskgate.config.json",
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
  if (help.more) lines.push("", help.more());
  return lines.join("\n");
}

/** The bundled events of every scheme, schemes that share them on one line. */
function eventsByScheme(): string {
  const groups = new Map<readonly SampleEvent[], string[]>();
  for (const [scheme, events] of Object.entries(SAMPLE_EVENTS)) {
    groups.set(events, [...(groups.get(events) ?? []), scheme]);
  }
  const lines = ["Sample events, by the source's verify.scheme:"];
  for (const [events, schemes] of groups) {
    lines.push(`  ${schemes.join(", ")}: ${events.map((e) => e.name).join(", ")}`);
  }
  return lines.join("\n");
}
