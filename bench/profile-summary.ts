import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

/**
 * Summarises V8 .cpuprofile files (from `npm run bench -- --cpu-prof DIR`): self time by
 * function and by package/file, and inclusive time of chosen frames.
 *
 *   node --import tsx bench/profile-summary.ts DIR [--top 25] [--phase load]
 *
 * `--phase load` keeps only the samples of the measured run, from `phases.json` (written next to
 * the profiles by run.ts; both use the monotonic clock in µs).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const REPO = resolve(import.meta.dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return name.endsWith(".cpuprofile") ? [p] : [];
  });
}

function where(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = path.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith("node:") || path === "") return path || "(native/V8)";
  return relative(REPO, path);
}

function phaseWindow(file: string, phase: string | undefined): [number, number] | undefined {
  if (!phase) return undefined;
  const phases = JSON.parse(readFileSync(join(dirname(file), "phases.json"), "utf8")) as Record<
    string,
    [number, number]
  >;
  const w = phases[phase];
  if (!w) throw new Error(`no phase "${phase}" in phases.json (have ${Object.keys(phases).join(", ")})`);
  return w;
}

function summarize(file: string, top: number, phase: string | undefined): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const window = phaseWindow(file, phase);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window[0] || t > window[1])) return;
    totalUs += dt;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  let idleUs = 0;
  const byFn = new Map<string, number>();
  const byWhere = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    if (f.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const key = `${f.functionName || "(anonymous)"}  ${where(f.url)}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const w = f.url ? where(f.url) : f.functionName;
    byWhere.set(w, (byWhere.get(w) ?? 0) + us);
    // Inclusive time per project/dependency frame (counted once per sample stack).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!cf.url) continue;
      const k = `${cf.functionName || "(anonymous)"}  ${where(cf.url)}:${cf.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join("\n");
  process.stdout.write(
    `${file}${phase ? ` [phase ${phase}]` : ""}\n  wall ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s ` +
      `(${((100 * busyUs) / totalUs).toFixed(0)}%); percentages are of busy time\n` +
      `self time by package/file:\n${list(byWhere, 15)}\n` +
      `self time by function:\n${list(byFn, top)}\n` +
      `inclusive time (src/ and dist/ frames):\n${list(
        new Map([...inclusive].filter(([k]) => k.includes(" src/") || k.includes(" dist/"))),
        top,
      )}\n\n`,
  );
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, phase: { type: "string" } },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write("usage: node --import tsx bench/profile-summary.ts DIR [--top N] [--phase NAME]\n");
  process.exit(2);
}
for (const f of files(dir)) {
  // The second profile of a tsx process is its loader worker: nothing at run time.
  try {
    summarize(f, Number(values.top), values.phase);
  } catch (err) {
    process.stderr.write(`${f}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
