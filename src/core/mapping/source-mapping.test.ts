import { describe, expect, it } from "vitest";
import { TaskgateError } from "../errors.js";
import { applyMapping, compileMapping, mappedWebhook } from "./source-mapping.js";

const docusign = {
  correlationKey: "data.envelopeId",
  status:
    "event = 'envelope-completed' ? 'COMPLETED' : event = 'envelope-declined' ? 'FAILED_WITH_TERMINAL_ERROR' : null",
  output: "{ 'envelopeId': data.envelopeId, 'event': event, 'by': $headers.'x-user', 'q': $query.tag }",
  dedupeKey: "$headers.'x-docusign-delivery-id'",
};
const bindings = { headers: { "x-user": "ana", "x-docusign-delivery-id": "d-1" }, query: { tag: "t" } };

describe("source mappings (JSONata)", () => {
  const { mapping } = compileMapping(docusign);

  it("maps success and failure events, binding $headers and $query", async () => {
    expect(
      await applyMapping(mapping!, { event: "envelope-completed", data: { envelopeId: "E1" } }, bindings),
    ).toEqual({
      status: "COMPLETED",
      correlationKey: "E1",
      output: { envelopeId: "E1", event: "envelope-completed", by: "ana", q: "t" },
      dedupeKey: "d-1",
    });
    expect(
      (await applyMapping(mapping!, { event: "envelope-declined", data: { envelopeId: "E1" } }, bindings))
        .status,
    ).toBe("FAILED_WITH_TERMINAL_ERROR");
  });

  it("ignores events whose status maps to null", async () => {
    const r = await applyMapping(mapping!, { event: "envelope-sent", data: { envelopeId: "E1" } }, bindings);
    expect(r.status).toBeNull();
    expect(r.ignoredBecause).toBeUndefined();
  });

  it("ignores, with a reason, a status that is not CDF's and a missing correlation key", async () => {
    const odd = compileMapping({ correlationKey: "id", status: "'DONE'" }).mapping!;
    expect(await applyMapping(odd, { id: 1 }, bindings)).toMatchObject({
      status: null,
      ignoredBecause: /"DONE"/,
    });
    const noKey = compileMapping({ correlationKey: "missing", status: "'COMPLETED'" }).mapping!;
    expect(await applyMapping(noKey, { id: 1 }, bindings)).toMatchObject({
      status: null,
      ignoredBecause: /correlationKey/,
    });
  });

  it("names every expression that does not compile", () => {
    const { mapping: none, problems } = compileMapping({
      correlationKey: "data.(",
      status: "event = ",
      output: "{",
    });
    expect(none).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual(["correlationKey", "status", "output"]);
    expect(problems[0]!.message).toMatch(/JSONata does not compile at character \d+/);
  });

  it("turns an evaluation error into a 400, never a 500", async () => {
    const bad = compileMapping({ correlationKey: "$number('x')", status: "'COMPLETED'" }).mapping!;
    await expect(applyMapping(bad, {}, bindings)).rejects.toSatisfy(
      (e: unknown) => e instanceof TaskgateError && e.status === 400,
    );
  });
});

describe("mappedWebhook (the decision over the expressions' results)", () => {
  it("turns numeric keys into strings and drops non-object outputs", () => {
    expect(mappedWebhook({ status: "COMPLETED", correlationKey: 42, output: [1], dedupeKey: 7 })).toEqual({
      status: "COMPLETED",
      correlationKey: "42",
      output: {},
      dedupeKey: "7",
    });
  });

  it("ignores a status that is not CDF's, or a missing key, and says why", () => {
    expect(
      mappedWebhook({ status: "DONE", correlationKey: "k", output: undefined, dedupeKey: undefined }),
    ).toMatchObject({ status: null, ignoredBecause: expect.stringContaining('"DONE"') });
    expect(
      mappedWebhook({ status: "FAILED", correlationKey: "", output: undefined, dedupeKey: undefined }),
    ).toMatchObject({
      status: null,
      correlationKey: null,
      ignoredBecause: expect.stringContaining("correlationKey"),
    });
    expect(
      mappedWebhook({ status: null, correlationKey: "k", output: undefined, dedupeKey: undefined }),
    ).toEqual({ status: null, correlationKey: "k", output: {}, dedupeKey: null });
  });
});
