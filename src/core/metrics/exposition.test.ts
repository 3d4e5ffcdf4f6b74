import { describe, expect, it } from "vitest";
import { Scrape } from "../../../test/support/prometheus.js";
import { escapeHelp, escapeLabel, exposeText, formatNumber } from "./exposition.js";
import { MetricsRegistry } from "./registry.js";

describe("Prometheus text exposition", () => {
  it("writes HELP, TYPE and samples that a real parser reads back", () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: "req_total", help: "Requests.", labelNames: ["route", "status"] });
    c.labels("/v1/waits", "201").inc(3);
    c.labels('odd "route"\\\nx', "500").inc();
    r.gauge({ name: "up", help: "Up.", labelNames: [] }).cell.set(1);
    const h = r.histogram({ name: "dur_seconds", help: "D.", labelNames: ["route"], buckets: [0.1, 1] });
    h.labels("/a").observe(0.05);
    h.labels("/a").observe(0.5);
    h.labels("/a").observe(3);

    const text = exposeText(r);
    expect(text).toBe(
      [
        "# HELP req_total Requests.",
        "# TYPE req_total counter",
        'req_total{route="/v1/waits",status="201"} 3',
        'req_total{route="odd \\"route\\"\\\\\\nx",status="500"} 1',
        "# HELP up Up.",
        "# TYPE up gauge",
        "up 1",
        "# HELP dur_seconds D.",
        "# TYPE dur_seconds histogram",
        'dur_seconds_bucket{route="/a",le="0.1"} 1',
        'dur_seconds_bucket{route="/a",le="1"} 2',
        'dur_seconds_bucket{route="/a",le="+Inf"} 3',
        'dur_seconds_sum{route="/a"} 3.55',
        'dur_seconds_count{route="/a"} 3',
        "",
      ].join("\n"),
    );

    const scrape = new Scrape(text);
    expect(scrape.family("req_total").type).toBe("COUNTER");
    expect(scrape.value("req_total", { route: "/v1/waits", status: "201" })).toBe(3);
    expect(scrape.value("req_total", { route: 'odd "route"\\\nx', status: "500" })).toBe(1);
    expect(scrape.value("up")).toBe(1);
    expect(scrape.family("dur_seconds").type).toBe("HISTOGRAM");
    expect(scrape.count("dur_seconds", { route: "/a" })).toBe(3);
    expect(scrape.count("dur_seconds", { route: "/b" })).toBe(0);
  });

  it("shows an unlabelled family at 0 from the start and a labelled one with no children as HELP/TYPE only", () => {
    const r = new MetricsRegistry();
    r.counter({ name: "a_total", help: "A.", labelNames: [] });
    r.counter({ name: "b_total", help: "B.", labelNames: ["x"] });
    r.histogram({ name: "c_seconds", help: "C.", labelNames: [], buckets: [1] });
    const scrape = new Scrape(exposeText(r));
    expect(scrape.value("a_total")).toBe(0);
    expect(scrape.family("b_total").metrics).toEqual([]);
    expect(scrape.count("c_seconds")).toBe(0);
  });

  it("escapes help and label text, and writes Go's float syntax", () => {
    expect(escapeHelp("a\\b\nc")).toBe("a\\\\b\\nc");
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect([Infinity, -Infinity, Number.NaN, 0.25, 1e-7, 12].map(formatNumber)).toEqual([
      "+Inf",
      "-Inf",
      "NaN",
      "0.25",
      "1e-7",
      "12",
    ]);
  });
});
