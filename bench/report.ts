import type { Figures } from "./scenarios.js";

/** A row with its ratio to the echo baseline of the same run and the issue's targets it checks. */
export interface Row extends Figures {
  /** acceptedPerSec / the echo app's requests per second. */
  ratio: number;
  targets: Target[];
}

export interface Target {
  what: string;
  value: number | null;
  pass: boolean;
}

export interface Report {
  command: string;
  machine: { cpus: number; model: string; memGiB: number; node: string; linux: string; loadAvg1m: number };
  settings: { connections: number; warmupSec: number; durationSec: number; bodyBytes: number; build: string };
  scenarios: Row[];
  totalSec: number;
}

const atMost = (what: string, value: number | undefined, limit: number): Target => ({
  what: `${what} <= ${limit}`,
  value: value ?? null,
  pass: value !== undefined && value >= 0 && value <= limit,
});
const atLeast = (what: string, value: number | undefined, limit: number): Target => ({
  what: `${what} >= ${limit}`,
  value: value ?? null,
  pass: value !== undefined && value >= limit,
});

/** The targets of the performance issue, by scenario. */
function targetsFor(r: Figures, ratio: number): Target[] {
  const rss = atMost("peak RSS MB", r.peakRssMb, 150);
  switch (r.scenario) {
    case "callback":
      return [atLeast("x echo", ratio, 0.3), atMost("p99 ms", r.p99Ms, 15), rss];
    case "webhook":
      return [atLeast("x echo", ratio, 0.25), rss];
    case "accept-and-forward":
      return [
        atLeast(
          "forwarded/accepted",
          r.forwardedPerSec === undefined ? undefined : r.forwardedPerSec / r.acceptedPerSec,
          0.9,
        ),
        atMost("drain ms", r.drainMs, 5000),
        atMost("CPU ms per callback", r.cpuMsPerRequest, 0.4),
        rss,
      ];
    case "echo":
      return [];
    default:
      return [
        atMost("round trips per accepted", r.roundTripsPerAccepted, 3),
        atMost("round trips per forwarded", r.roundTripsPerForwarded, 2),
      ];
  }
}

export function withRatios(rows: Figures[]): Row[] {
  const echo = rows.find((r) => r.scenario === "echo")?.acceptedPerSec ?? Number.NaN;
  return rows.map((r) => {
    const ratio = r.acceptedPerSec / echo;
    return { ...r, ratio: round(ratio, 3), targets: targetsFor(r, ratio) };
  });
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const num = (x: number | undefined, digits = 0) => (x === undefined ? "" : x.toFixed(digits));

export function renderTable(report: Report): string {
  const head = [
    "scenario",
    "accepted/s",
    "x echo",
    "p50 ms",
    "p99 ms",
    "failed",
    "forwarded/s",
    "drain s",
    "CPU ms/req",
    "peak RSS MB",
    "RT/accepted",
    "RT/forwarded",
  ];
  const body = report.scenarios.map((r) => [
    r.scenario + (r.ranOutOfWaits ? " (ran out of waits)" : ""),
    num(r.acceptedPerSec),
    r.ratio.toFixed(3),
    num(r.p50Ms),
    num(r.p99Ms),
    String(r.failed),
    num(r.forwardedPerSec),
    r.drainMs === undefined ? "" : r.drainMs < 0 ? "timeout" : (r.drainMs / 1000).toFixed(1),
    num(r.cpuMsPerRequest, 3),
    num(r.peakRssMb),
    num(r.roundTripsPerAccepted, 2),
    num(r.roundTripsPerForwarded, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: string[]) =>
    `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const m = report.machine;
  const s = report.settings;
  const lines = [
    `taskgate bench: ${report.command}`,
    `machine: ${m.cpus} cpus (${m.model}), ${m.memGiB} GiB, node ${m.node}, linux ${m.linux}, load average ${m.loadAvg1m}`,
    `load: ${s.connections} connections, ${s.warmupSec} s warm-up + ${s.durationSec} s measured, ${s.bodyBytes}-byte JSON; ` +
      `gateway from dist/ (${s.build}); CDF emulator in its own process`,
    "",
    fmt(head),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...body.map(fmt),
    "",
    "targets:",
  ];
  for (const r of report.scenarios) {
    for (const t of r.targets) {
      const v = t.value === null ? "n/a" : String(round(t.value, 3));
      lines.push(`  ${t.pass ? "PASS" : "FAIL"}  ${r.scenario}: ${t.what} (${v})`);
    }
    const failures = Object.entries(r.updateFailures ?? {});
    if (failures.length > 0)
      lines.push(`  note  ${r.scenario}: CDF updates not 200: ${JSON.stringify(r.updateFailures)}`);
  }
  lines.push(`total ${report.totalSec} s`, "");
  return lines.join("\n");
}
