import { describe, expect, it } from "vitest";
import { tryMapping } from "./mapping-trial.js";
import { compileMapping } from "./source-mapping.js";

const bindings = { headers: { "x-github-event": "workflow_run" }, query: {} };

function mappingOf(config: { correlationKey: string; status: string; output?: string; dedupeKey?: string }) {
  const { mapping, problems } = compileMapping(config);
  expect(problems).toEqual([]);
  return mapping!;
}

describe("tryMapping", () => {
  it("gives each expression's value and the decision taskgate makes from them", async () => {
    const mapping = mappingOf({
      correlationKey: "$string(run.id)",
      status: "$headers.'x-github-event' = 'workflow_run' ? 'COMPLETED' : null",
      output: "{ 'id': run.id }",
    });
    const trial = await tryMapping(mapping, { run: { id: 7 } }, bindings);
    expect(trial.failed).toEqual([]);
    expect(trial.fields.status).toEqual({ ok: true, value: "COMPLETED" });
    expect(trial.mapped).toEqual({
      status: "COMPLETED",
      correlationKey: "7",
      output: { id: 7 },
      dedupeKey: null,
    });
  });

  it("reports every expression that fails at run time, with JSONata's code, and no decision", async () => {
    // Both compile: an unknown function and a type error are only found by running them.
    const mapping = mappingOf({
      correlationKey: "$foo(run.id)",
      status: "'COMPLETED'",
      output: "{ 'n': run.name + 1 }",
    });
    const trial = await tryMapping(mapping, { run: { id: 7, name: "x" } }, bindings);
    expect(trial.failed).toEqual(["correlationKey", "output"]);
    expect(trial.mapped).toBeUndefined();
    expect(trial.fields.correlationKey).toMatchObject({ ok: false, code: "T1006" });
    expect(trial.fields.output).toMatchObject({ ok: false, code: "T2001" });
    expect(trial.fields.status).toEqual({ ok: true, value: "COMPLETED" });
  });

  it("a status that is not CDF's maps to ignored with the reason, which is not a failure", async () => {
    const trial = await tryMapping(
      mappingOf({ correlationKey: "k", status: "'DONE'" }),
      { k: "a" },
      bindings,
    );
    expect(trial.failed).toEqual([]);
    expect(trial.mapped?.status).toBeNull();
    expect(trial.mapped?.ignoredBecause).toMatch(/gave "DONE"/);
  });
});
