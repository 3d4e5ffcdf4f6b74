/**
 * The signed-webhook scenario's three expressions (correlationKey, status, output), evaluated in
 * this process the way `applyMapping` does (one after the other, awaited, `$headers`/`$query`
 * bound) over 1 KB sample bodies: JSONata's own evaluator against taskgate's compiled mapping
 * (the fast path, issue 15). Rounds alternate between the two; the best round of each is printed.
 *
 *   node --import tsx bench/mapping-eval.ts [--seconds 1] [--rounds 3]
 */
import { parseArgs } from "node:util";
import jsonata from "jsonata";
import { compileMapping, MAPPING_BUDGET } from "../src/core/mapping/source-mapping.js";
import { LIMS_MAPPING, sampleBody } from "./body.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "1" }, rounds: { type: "string", default: "3" } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

type Evaluate = (input: unknown, bindings: Record<string, unknown>) => Promise<unknown>;
const fields = ["correlationKey", "status", "output"] as const;

const budget = { timeout: MAPPING_BUDGET.timeoutMs, stack: MAPPING_BUDGET.maxDepth };
const plain: Evaluate[] = fields.map((f) => {
  const e = jsonata(LIMS_MAPPING[f], budget);
  return (input, bindings) => e.evaluate(input, bindings);
});
const { mapping } = compileMapping(LIMS_MAPPING);
if (!mapping) throw new Error("the bench mapping does not compile");
const compiled = fields.map((f) => mapping[f]!);
if (!compiled.every((e) => e.fast)) throw new Error("the bench mapping is not on the fast path");
const fast: Evaluate[] = compiled.map((e) => (input, bindings) => e.evaluate(input, bindings));

const bodies = Array.from({ length: 1000 }, (_, i) => JSON.parse(sampleBody(`S-${i}`, 1024)) as unknown);
const bindings = { headers: { "content-type": "application/json" }, query: {} };

// Both give the same results before anything is timed.
for (const body of bodies.slice(0, 50)) {
  for (let i = 0; i < fields.length; i++) {
    const a = JSON.stringify(await plain[i]!(body, bindings));
    const b = JSON.stringify(await fast[i]!(body, bindings));
    if (a !== b) throw new Error(`${fields[i]} differs: ${a} vs ${b}`);
  }
}

/** Webhooks mapped per second (three evaluations each) over `ms` milliseconds. */
async function rate(evaluators: Evaluate[], ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    for (let k = 0; k < 100; k++, n++) {
      const body = bodies[n % bodies.length];
      for (const evaluate of evaluators) await evaluate(body, bindings);
    }
  }
  return n / ((performance.now() - start) / 1000);
}

await rate(plain, 300);
await rate(fast, 300);
let best = { jsonata: 0, fast: 0 };
for (let r = 0; r < rounds; r++) {
  best = {
    jsonata: Math.max(best.jsonata, await rate(plain, seconds * 1000)),
    fast: Math.max(best.fast, await rate(fast, seconds * 1000)),
  };
}
const row = (name: string, perSec: number) =>
  `${name.padEnd(10)} ${Math.round(perSec * 3)
    .toLocaleString("en")
    .padStart(12)} evaluations/s   ${(1e6 / perSec).toFixed(2).padStart(7)} µs per webhook (3 expressions)`;
console.log(row("jsonata", best.jsonata));
console.log(row("fast path", best.fast));
console.log(`speed-up  ${(best.fast / best.jsonata).toFixed(1)}x`);
