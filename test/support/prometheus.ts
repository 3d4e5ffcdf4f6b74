/// <reference path="./prometheus-text.d.ts" />
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";

export type { ParsedFamily } from "parse-prometheus-text-format";

/**
 * A scrape parsed by a real Prometheus text-format parser (parse-prometheus-text-format, a port
 * of the Python client's), with lookups by name and labels. That parser folds every child of a
 * histogram into one (it handles unlabelled histograms only), so a histogram child's count is read
 * from its `_count` line, after the parser accepted the whole text.
 */
export class Scrape {
  readonly families: ParsedFamily[];
  constructor(readonly text: string) {
    this.families = parsePrometheusTextFormat(text);
  }

  family(name: string): ParsedFamily {
    const f = this.families.find((x) => x.name === name);
    if (!f) throw new Error(`no family ${name} in the scrape:\n${this.text}`);
    return f;
  }

  /** A counter's or gauge's value for exactly these labels; 0 when the child does not exist. */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.sample(name, labels);
    return sample?.value === undefined ? 0 : Number(sample.value);
  }

  /** A histogram child's count; 0 when the child does not exist. */
  count(name: string, labels: Record<string, string> = {}): number {
    if (this.family(name).type !== "HISTOGRAM") throw new Error(`${name} is not a histogram`);
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (ch) => (ch === "\n" ? "\\n" : `\\${ch}`))}"`)
      .join(",");
    const prefix = `${name}_count${selector ? `{${selector}}` : ""} `;
    const line = this.text.split("\n").find((l) => l.startsWith(prefix));
    return line === undefined ? 0 : Number(line.slice(prefix.length));
  }

  /** Every label value of every sample, to check none carries what it must not (a token). */
  labelValues(): string[] {
    return this.families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
  }

  private sample(name: string, labels: Record<string, string>) {
    return this.family(name).metrics.find((m) => sameLabels(m.labels ?? {}, labels));
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
