import { parseArgs } from "node:util";
import type * as z from "zod";
import { parseDuration } from "../core/duration.js";
import {
  BulkReplayResultSchema,
  DeliveryDetailSchema,
  DeliveryListSchema,
  DeliveryViewSchema,
} from "../http/view-schemas.js";
import { ApiClient, ApiFailure } from "./api-client.js";
import { helpText } from "./help.js";
import { formatTable, formatTime } from "./table.js";

type Delivery = z.output<typeof DeliveryViewSchema>;

const OPTIONS = {
  url: { type: "string" },
  status: { type: "string" },
  source: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  limit: { type: "string" },
  interval: { type: "string" },
  json: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

class UsageError extends Error {}

/**
 * `taskgate deliveries list|show|replay|follow`: inspection and replay against a running taskgate
 * over its HTTP API (`--url`, key in TASKGATE_API_KEY; local mode needs neither), so the same
 * commands work on a remote deployment. Readable tables by default, `--json` for scripts.
 * Exit codes: 0 done, 1 refused or unreachable, 2 usage.
 */
export async function runDeliveriesCommand(argv: string[]): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    console.log(helpText("deliveries"));
    return 0;
  }
  const [sub, ...rest] = positionals;
  const api = new ApiClient(values.url);
  try {
    switch (sub) {
      case "list":
        return await list(api, values, rest);
      case "show":
        return await show(api, values, rest);
      case "replay":
        return await replay(api, values, rest);
      case "follow":
        return await follow(api, values, rest);
      default:
        return usage(sub === undefined ? "name a subcommand" : `unknown subcommand "${sub}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    if (err instanceof ApiFailure) {
      console.error(`taskgate deliveries: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

function usage(message: string): number {
  console.error(`taskgate deliveries: ${message}\n\n${helpText("deliveries")}`);
  return 2;
}

/** `1h` (that long ago) or an ISO 8601 time, as epoch ms. */
export function parseWhen(text: string, now: number, flag: string): number {
  if (/^\d+(ms|s|m|h|d)$/.test(text.trim())) return now - parseDuration(text);
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(at)) {
    throw new UsageError(
      `${flag} takes a duration ago ("1h", "30m", "7d") or an ISO time ("2026-12-04T17:00:00Z")`,
    );
  }
  return at;
}

function noPositionals(rest: string[], sub: string): void {
  if (rest.length > 0) throw new UsageError(`${sub} takes no arguments (got "${rest.join(" ")}")`);
}

function window(values: Values, now: number): { since?: number; until?: number } {
  return {
    ...(values.since !== undefined ? { since: parseWhen(values.since, now, "--since") } : {}),
    ...(values.until !== undefined ? { until: parseWhen(values.until, now, "--until") } : {}),
  };
}

const LIST_STATUSES = ["pending", "delivered", "dead", "parked", "ignored", "expired"];

async function list(api: ApiClient, values: Values, rest: string[]): Promise<number> {
  noPositionals(rest, "list");
  if (values.status !== undefined && !LIST_STATUSES.includes(values.status)) {
    throw new UsageError(`--status is one of ${LIST_STATUSES.join(", ")}`);
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError("--limit is a whole number from 1 to 1000");
  const query = new URLSearchParams({ limit: String(limit) });
  if (values.status) query.set("status", values.status);
  if (values.source) query.set("source", values.source);
  for (const [k, v] of Object.entries(window(values, Date.now()))) query.set(k, String(v));
  const { data } = await api.request("GET", `/v1/deliveries?${query}`, DeliveryListSchema);
  if (values.json) {
    console.log(JSON.stringify(data.items, null, 2));
    return 0;
  }
  if (data.items.length === 0) {
    console.log("No deliveries match.");
    return 0;
  }
  console.log(
    formatTable(
      ["ID", "STATUS", "SOURCE", "ATTEMPTS", "ARRIVED", "LAST"],
      data.items.map((d) => [
        d.id,
        d.status,
        d.source ?? "-",
        String(d.attempts),
        formatTime(d.createdAt),
        detail(d),
      ]),
    ),
  );
  if (data.nextCursor !== null)
    console.log(`\n(more: showing the newest ${limit}; narrow with --since or raise --limit)`);
  return 0;
}

async function show(api: ApiClient, values: Values, rest: string[]): Promise<number> {
  if (rest.length !== 1) throw new UsageError("show takes one delivery id");
  const { data: d } = await api.request(
    "GET",
    `/v1/deliveries/${encodeURIComponent(rest[0]!)}`,
    DeliveryDetailSchema,
  );
  if (values.json) {
    console.log(JSON.stringify(d, null, 2));
    return 0;
  }
  const fields: [string, string][] = [
    ["Delivery", d.id],
    ["Status", d.status],
    ["Source", d.source ?? "-"],
    ["Task", d.taskId ?? "-"],
    ["Wait", d.waitId ?? "-"],
    ["Correlation", d.correlationKey ?? "-"],
    ["Arrived", formatTime(d.createdAt)],
    ["Updated", formatTime(d.updatedAt)],
    ["Delivered", formatTime(d.deliveredAt)],
    ["Next attempt", formatTime(d.nextAttemptAt)],
    ["Deliver until", formatTime(d.deliverUntil)],
    ["Last", detail(d) || "-"],
    ["Update", JSON.stringify(d.update)],
  ];
  if (d.reason) fields.push(["Reason", d.reason]);
  console.log(formatTable(["", ""], fields).split("\n").slice(1).join("\n"));
  console.log("");
  if (d.history.length === 0) console.log("No forwarding attempts yet.");
  else
    console.log(
      formatTable(
        ["ATTEMPT", "STARTED", "OUTCOME", "CDF STATUS", "CDF REQUEST ID", "MESSAGE"],
        d.history.map((a) => [
          String(a.attempt),
          formatTime(a.startedAt),
          a.outcome,
          a.httpStatus === null ? "-" : String(a.httpStatus),
          a.requestId ?? "-",
          a.error ?? "",
        ]),
      ),
    );
  return 0;
}

async function replay(api: ApiClient, values: Values, ids: string[]): Promise<number> {
  if (values.status === undefined) {
    if (ids.length === 0)
      throw new UsageError("replay takes delivery ids, or --status dead|delivered for a bulk replay");
    if (values["dry-run"] || values.source || values.since || values.until) {
      throw new UsageError("--dry-run, --source, --since and --until go with --status (a bulk replay)");
    }
    let failed = 0;
    for (const id of ids) {
      try {
        const { data } = await api.request(
          "POST",
          `/v1/deliveries/${encodeURIComponent(id)}/replay`,
          DeliveryViewSchema,
        );
        if (values.json) console.log(JSON.stringify({ id, status: data.status }));
        else console.log(`${id}  queued again`);
      } catch (err) {
        if (!(err instanceof ApiFailure)) throw err;
        failed++;
        if (values.json) console.log(JSON.stringify({ id, error: err.message }));
        else console.error(`${id}  not replayed: ${err.message}`);
      }
    }
    return failed > 0 ? 1 : 0;
  }
  if (ids.length > 0) throw new UsageError("give delivery ids or --status, not both");
  if (values.status !== "dead" && values.status !== "delivered") {
    throw new UsageError("--status for a bulk replay is dead or delivered");
  }
  const dryRun = values["dry-run"] ?? false;
  const filter = {
    status: values.status,
    ...(values.source ? { source: values.source } : {}),
    ...window(values, Date.now()),
  };
  const { data } = await api.request("POST", "/v1/deliveries/replay", BulkReplayResultSchema, {
    filter,
    dryRun,
  });
  if (values.json) {
    console.log(JSON.stringify(data));
    return 0;
  }
  console.log(
    dryRun
      ? `${data.count} deliveries would be queued again (dry run)`
      : `${data.count} deliveries queued again`,
  );
  if (data.more)
    console.log("More match than one request handles (1,000): run the same command again for the next ones.");
  return 0;
}

const SETTLED = new Set(["delivered", "dead", "ignored", "expired"]);
/** Most unsettled deliveries `follow` keeps watching one by one; older ones are dropped. */
const MAX_WATCHED = 100;

/**
 * Polls and prints each delivery as it arrives and each time it moves (pending → delivered or
 * dead, parked → released), like `stripe listen`. New arrivals come from the list (since the last
 * one seen); those not settled yet are read one by one until they are. Ctrl-C exits 0.
 */
async function follow(api: ApiClient, values: Values, rest: string[]): Promise<number> {
  noPositionals(rest, "follow");
  const intervalMs = values.interval === undefined ? 1000 : parseDuration(values.interval);
  if (intervalMs < 100) throw new UsageError("--interval is at least 100ms");
  const start = values.since !== undefined ? parseWhen(values.since, Date.now(), "--since") : Date.now();
  const seen = new Map<string, string>();
  const watched = new Map<string, Delivery>();
  let since = start;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const onSignal = () => stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let interrupted = false;
  void stopped.then(() => {
    interrupted = true;
  });
  console.error(`Following deliveries at ${api.base} (Ctrl-C to stop)`);
  const print = (d: Delivery) => {
    const key = `${d.status}/${d.attempts}`;
    if (seen.get(d.id) === key) return;
    seen.set(d.id, key);
    if (values.json) console.log(JSON.stringify(d));
    else
      console.log(
        formatTable(
          ["", "", "", "", ""],
          [[formatTime(d.updatedAt), d.id, d.source ?? "-", d.status, detail(d)]],
        ).split("\n")[1],
      );
    if (SETTLED.has(d.status)) watched.delete(d.id);
    else {
      watched.set(d.id, d);
      if (watched.size > MAX_WATCHED) watched.delete(watched.keys().next().value as string);
    }
  };
  try {
    while (!interrupted) {
      const query = new URLSearchParams({ since: String(since), limit: "100" });
      if (values.status) query.set("status", values.status);
      if (values.source) query.set("source", values.source);
      const { data } = await api.request("GET", `/v1/deliveries?${query}`, DeliveryListSchema);
      for (const d of [...data.items].reverse()) {
        print(d);
        // A little behind the newest seen: one stored a moment earlier but committed later is not missed.
        since = Math.max(since, d.createdAt - 5_000);
      }
      for (const id of [...watched.keys()]) {
        if (data.items.some((d) => d.id === id)) continue;
        const { data: d } = await api.request(
          "GET",
          `/v1/deliveries/${encodeURIComponent(id)}`,
          DeliveryViewSchema,
        );
        print(d);
      }
      await Promise.race([stopped, new Promise((r) => setTimeout(r, intervalMs))]);
    }
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** The one-line "what happened last" of a delivery. */
function detail(d: Delivery): string {
  if (d.status === "ignored" || d.status === "expired") return d.reason ?? "";
  if (d.status === "parked") return `parked until ${formatTime(d.parkUntil)}`;
  const cdf = [d.lastStatus === null ? "" : `CDF ${d.lastStatus}`, d.lastRequestId ?? ""]
    .filter(Boolean)
    .join(" ");
  if (d.status === "delivered") return cdf;
  return [cdf, d.lastError ?? ""].filter(Boolean).join(": ");
}
