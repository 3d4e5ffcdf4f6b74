import { type AnyFamily, type Cell, HistogramCell, type MetricsRegistry } from "./registry.js";

/** The content type of Prometheus' text format, version 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Every family of the registry in Prometheus' text format 0.0.4, after its collectors ran. */
export function exposeText(registry: MetricsRegistry): string {
  registry.collect();
  let out = "";
  for (const family of registry.families) out += exposeFamily(family);
  return out;
}

function exposeFamily(family: AnyFamily): string {
  let out = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.kind}\n`;
  for (const { values, cell } of family.children) {
    out += sample(family, values, cell);
  }
  return out;
}

function sample(family: AnyFamily, values: readonly string[], cell: Cell): string {
  const labels = labelText(family.labelNames, values);
  if (!(cell instanceof HistogramCell))
    return `${family.name}${braced(labels)} ${formatNumber(cell.value)}\n`;
  let out = "";
  let cumulative = 0;
  const sep = labels ? "," : "";
  for (let i = 0; i < cell.bounds.length; i++) {
    cumulative += cell.counts[i]!;
    out += `${family.name}_bucket{${labels}${sep}le="${formatNumber(cell.bounds[i]!)}"} ${cumulative}\n`;
  }
  out += `${family.name}_bucket{${labels}${sep}le="+Inf"} ${cell.count}\n`;
  out += `${family.name}_sum${braced(labels)} ${formatNumber(cell.sum)}\n`;
  out += `${family.name}_count${braced(labels)} ${cell.count}\n`;
  return out;
}

function labelText(names: readonly string[], values: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i++) {
    out += `${i ? "," : ""}${names[i]}="${escapeLabel(values[i] ?? "")}"`;
  }
  return out;
}

const braced = (labels: string): string => (labels ? `{${labels}}` : "");

/** Label values escape backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (ch) => (ch === "\n" ? "\\n" : `\\${ch}`));
}

/** Help text escapes backslash and line feed. */
export function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (ch) => (ch === "\n" ? "\\n" : "\\\\"));
}

/** Go's float syntax, which Prometheus parses: `+Inf`, `-Inf`, `NaN`, else JavaScript's own. */
export function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}
