import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interpolateEnv } from "../config/interpolate.js";
import { SourcesSchema } from "../config/sources-schema.js";
import { tryMapping } from "../core/mapping/mapping-trial.js";
import { compileMapping } from "../core/mapping/source-mapping.js";
import { SCHEMES } from "../core/signatures/registry.js";
import { parseBody } from "../services/hooks.js";
import {
  encodeSample,
  freshen,
  parsedView,
  readSampleBody,
  SAMPLE_EVENTS,
  SAMPLES_DIR,
  samplesFor,
  setAt,
} from "./sample-events.js";

const all = [...new Set(Object.values(SAMPLE_EVENTS).flat())];

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)?.[step], root);
}

describe("bundled sample events", () => {
  it("every scheme has events, with names unique per scheme", () => {
    for (const { name } of SCHEMES) {
      const names = samplesFor(name).map((s) => s.name);
      expect(names.length, name).toBeGreaterThan(0);
      expect(new Set(names).size, name).toBe(names.length);
    }
  });

  it("every file under examples/samples is in the catalog, and every catalog file exists", () => {
    const files = readdirSync(SAMPLES_DIR, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".json"),
    );
    expect(new Set(files)).toEqual(new Set(all.map((s) => s.file)));
    for (const s of all) expect(existsSync(join(SAMPLES_DIR, s.file)), s.file).toBe(true);
  });

  it("each sample's key is where the catalog says, and its fresh fields exist", () => {
    for (const s of all) {
      const body = readSampleBody(s);
      const key = valueAt(parsedView(s.encoding, body), s.keyPath);
      expect(typeof key === "string" || typeof key === "number", `${s.name}: ${String(key)}`).toBe(true);
      for (const f of s.fresh) expect(valueAt(body, f.path), `${s.name} ${f.path.join(".")}`).toBeDefined();
    }
  });

  it("goes on the wire as the provider sends it, and taskgate parses it back to the same data", () => {
    for (const s of all) {
      const body = readSampleBody(s);
      const { bytes, contentType } = encodeSample(s.encoding, body);
      const parsed = parseBody(new TextDecoder().decode(bytes), contentType);
      expect(parsed, s.name).toEqual(parsedView(s.encoding, body));
    }
    const slack = samplesFor("slack")[0]!;
    const wire = new TextDecoder().decode(encodeSample("slack-payload", readSampleBody(slack)).bytes);
    expect(wire).toMatch(/^payload=%7B%22type%22%3A%22block_actions%22/);
  });

  it("freshen makes new ids and times without touching the sample", () => {
    const stripe = samplesFor("stripe")[0]!;
    const body = readSampleBody(stripe) as { id: string; created: number };
    const now = Date.UTC(2027, 0, 2, 3, 4, 5);
    const a = freshen(body, stripe.fresh, now) as typeof body;
    const b = freshen(body, stripe.fresh, now) as typeof body;
    expect(a.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.created).toBe(now / 1000);
    expect(body.id).toBe("evt_3QbF2kLkdIwHu7ix0mKq5Zt1");
  });

  it("setAt makes the way to a key, and refuses to go through a value that is not an object", () => {
    const root: Record<string, unknown> = { a: 1 };
    setAt(root, ["x", "list", 0, "v"], "k");
    expect(root).toEqual({ a: 1, x: { list: [{ v: "k" }] } });
    expect(() => setAt(root, ["a", "b"], "k")).toThrow(/cannot set a\.b: a is not an object/);
  });

  it("each documented preset completes (or fails) a task from at least one bundled event of its scheme", async () => {
    const env = new Proxy({}, { get: () => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }) as Record<
      string,
      string
    >;
    const raw = JSON.parse(readFileSync(join(SAMPLES_DIR, "..", "..", "docs", "presets.json"), "utf8"));
    const presets = SourcesSchema.parse(interpolateEnv(raw, env).value)!;
    for (const [name, preset] of Object.entries(presets)) {
      const { mapping } = compileMapping(preset);
      const statuses: unknown[] = [];
      for (const s of samplesFor(preset.verify.scheme)) {
        const { bytes, contentType } = encodeSample(s.encoding, readSampleBody(s));
        const body = parseBody(new TextDecoder().decode(bytes), contentType);
        const trial = await tryMapping(mapping!, body, {
          headers: { "content-type": contentType, ...s.headers },
          query: {},
        });
        expect(trial.failed, `${name} on ${s.name}`).toEqual([]);
        statuses.push(trial.mapped?.status);
      }
      expect(
        statuses.some((x) => x !== null),
        name,
      ).toBe(true);
    }
  });
});
