import { describe, expect, it } from "vitest";
import { MAX_CHILDREN, MetricsRegistry } from "./registry.js";

describe("metrics registry", () => {
  it("keeps one child per label set and returns the same one again", () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: "x_total", help: "x", labelNames: ["a", "b"] });
    const one = c.labels("1", "2");
    one.inc();
    c.labels("1", "2").inc(2);
    c.labels("1", "3").inc();
    expect(c.labels("1", "2")).toBe(one);
    expect(one.value).toBe(3);
    expect(c.children.map((ch) => [ch.values, ch.cell.value])).toEqual([
      [["1", "2"], 3],
      [["1", "3"], 1],
    ]);
  });

  it("refuses a counter that goes down, a wrong number of label values, and bad names", () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: "y_total", help: "y", labelNames: ["a"] });
    expect(() => c.labels("1").inc(-1)).toThrow(RangeError);
    expect(() => c.labels("1").inc(Number.NaN)).toThrow(RangeError);
    expect(() => (c.labels as (...v: string[]) => unknown)("1", "2")).toThrow(/takes 1 label values, got 2/);
    expect(() => r.counter({ name: "y_total", help: "again", labelNames: [] })).toThrow(/twice/);
    expect(() => r.gauge({ name: "9bad", help: "", labelNames: [] })).toThrow(/not a metric name/);
    expect(() => r.gauge({ name: "ok", help: "", labelNames: ["__reserved"] })).toThrow(/not a label/);
    expect(() => r.gauge({ name: "ok2", help: "", labelNames: ["a-b"] })).toThrow(/not a label/);
  });

  it("counts histogram observations into the first bucket whose bound holds them", () => {
    const r = new MetricsRegistry();
    const h = r.histogram({ name: "h_seconds", help: "h", labelNames: [], buckets: [0.1, 1] }).cell;
    for (const v of [0.05, 0.1, 0.5, 1, 7, Number.NaN]) h.observe(v);
    expect([...h.counts]).toEqual([2, 2, 1]);
    expect(h.count).toBe(5);
    expect(h.sum).toBeCloseTo(8.65);
    expect(() => r.histogram({ name: "h2", help: "", labelNames: [], buckets: [1, 1] })).toThrow(/ascending/);
    expect(() => r.histogram({ name: "h3", help: "", labelNames: ["le"], buckets: [1] })).toThrow(/le/);
  });

  it("folds label sets past the cap into one _other child, so a flood of values cannot grow it", () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: "z_total", help: "z", labelNames: ["v"] });
    for (let i = 0; i < MAX_CHILDREN + 50; i++) c.labels(String(i)).inc();
    expect(c.children).toHaveLength(MAX_CHILDREN + 1);
    const other = c.children.at(-1)!;
    expect(other.values).toEqual(["_other"]);
    expect(other.cell.value).toBe(50);
    // Label sets seen before the cap keep their own child.
    c.labels("0").inc();
    expect(c.children[0]!.cell.value).toBe(2);
  });

  it("runs collectors before a scrape, and one that throws spoils nothing else", () => {
    const r = new MetricsRegistry();
    const g = r.gauge({ name: "g", help: "g", labelNames: [] }).cell;
    let reads = 0;
    r.onCollect(() => {
      throw new Error("unreadable");
    });
    r.onCollect(() => g.set(++reads));
    r.collect();
    r.collect();
    expect(g.value).toBe(2);
  });
});
