/**
 * A small metrics registry: counters, gauges and histograms with labels, exposed in Prometheus'
 * text format (exposition.ts). Hand-written because prom-client does not run on Workers; pure, so
 * it runs everywhere and tests need no runtime.
 *
 * A labelled family resolves its children through one map per label, so a hot path that looks up
 * the same label values again allocates nothing.
 */

export type MetricKind = "counter" | "gauge" | "histogram";

/** The label values a family takes, one string per label name, in the same order. */
export type LabelValues<L extends readonly string[]> = { readonly [K in keyof L]: string };

export interface FamilySpec<L extends readonly string[]> {
  /** Full metric name (counters end in `_total`). */
  name: string;
  help: string;
  labelNames: L;
}

export interface HistogramSpec<L extends readonly string[]> extends FamilySpec<L> {
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
}

/** A counter only goes up. */
export class CounterCell {
  value = 0;
  inc(by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter cannot go down (inc by ${by})`);
    this.value += by;
  }
}

/** A gauge is set to what was read. */
export class GaugeCell {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
  inc(by = 1): void {
    this.value += by;
  }
}

/** Counts observations per bucket (not cumulated: the exposition cumulates). */
export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    if (Number.isNaN(value)) return;
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export type Cell = CounterCell | GaugeCell | HistogramCell;

interface Node<C> {
  next?: Map<string, Node<C>>;
  cell?: C;
}

/** How many label sets one family keeps; past it, new sets share one child labelled `_other`. */
export const MAX_CHILDREN = 2_000;
const OVERFLOW = "_other";

/** One metric family: its name, help, kind, label names and a child per label set seen. */
export class Family<C extends Cell, L extends readonly string[]> {
  /** Children in the order they were first seen, for a stable exposition. */
  readonly children: { values: readonly string[]; cell: C }[] = [];
  private readonly root: Node<C> = {};
  private overflowCell: C | undefined;

  constructor(
    readonly kind: MetricKind,
    readonly name: string,
    readonly help: string,
    readonly labelNames: L,
    private readonly make: () => C,
  ) {
    // An unlabelled family has its one value (0) from the start: a rate over it is defined at once.
    if (labelNames.length === 0) this.labels(...([] as unknown as LabelValues<L>));
  }

  /** The child for these label values (created on first use). */
  labels(...values: LabelValues<L>): C {
    if (values.length !== this.labelNames.length) {
      throw new RangeError(`${this.name} takes ${this.labelNames.length} label values, got ${values.length}`);
    }
    let node = this.root;
    for (const value of values) {
      let next = node.next?.get(value);
      if (!next) {
        if (this.children.length >= MAX_CHILDREN) return this.overflow();
        next = {};
        node.next ??= new Map();
        node.next.set(value, next);
      }
      node = next;
    }
    if (!node.cell) {
      if (this.children.length >= MAX_CHILDREN) return this.overflow();
      node.cell = this.make();
      this.children.push({ values: [...values], cell: node.cell });
    }
    return node.cell;
  }

  /** An unlabelled family's one child. */
  get cell(): C {
    return this.labels(...([] as unknown as LabelValues<L>));
  }

  private overflow(): C {
    if (!this.overflowCell) {
      this.overflowCell = this.make();
      this.children.push({ values: this.labelNames.map(() => OVERFLOW), cell: this.overflowCell });
    }
    return this.overflowCell;
  }
}

export type AnyFamily = Family<Cell, readonly string[]>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Every family of one process (or one Workers isolate), and what to read just before a scrape. */
export class MetricsRegistry {
  readonly families: AnyFamily[] = [];
  private readonly collectors: (() => void)[] = [];

  counter<const L extends readonly string[]>(spec: FamilySpec<L>): Family<CounterCell, L> {
    return this.add(new Family("counter", spec.name, spec.help, spec.labelNames, () => new CounterCell()));
  }

  gauge<const L extends readonly string[]>(spec: FamilySpec<L>): Family<GaugeCell, L> {
    return this.add(new Family("gauge", spec.name, spec.help, spec.labelNames, () => new GaugeCell()));
  }

  histogram<const L extends readonly string[]>(spec: HistogramSpec<L>): Family<HistogramCell, L> {
    const buckets = [...spec.buckets];
    if (buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new RangeError(`${spec.name}: buckets must be finite and ascending`);
    }
    if (spec.labelNames.includes("le")) throw new RangeError(`${spec.name}: "le" is the bucket label`);
    return this.add(
      new Family("histogram", spec.name, spec.help, spec.labelNames, () => new HistogramCell(buckets)),
    );
  }

  /** Runs before each exposition: gauges that are read, not counted (memory, event-loop lag). */
  onCollect(read: () => void): void {
    this.collectors.push(read);
  }

  /** Runs the collectors; a failing one leaves its gauges as they were. */
  collect(): void {
    for (const read of this.collectors) {
      try {
        read();
      } catch {
        // A reading that fails must not cost the scrape its other families.
      }
    }
  }

  private add<F extends AnyFamily>(family: F): F {
    if (!METRIC_NAME.test(family.name)) throw new RangeError(`not a metric name: ${family.name}`);
    for (const label of family.labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith("__")) {
        throw new RangeError(`${family.name}: not a label name: ${label}`);
      }
    }
    if (this.families.some((f) => f.name === family.name)) {
      throw new RangeError(`${family.name} is registered twice`);
    }
    this.families.push(family);
    return family;
  }
}
