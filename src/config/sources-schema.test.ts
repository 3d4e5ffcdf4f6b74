import { describe, expect, it } from "vitest";
import { env, minimal } from "../../test/support/config-documents.js";
import { parseConfig } from "./parse.js";

describe("config: sources", () => {
  const source = {
    verify: { scheme: "standard-webhooks", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] },
    correlationKey: "data.id",
    status: "type = 'done' ? 'COMPLETED' : null",
  };

  it("accepts a source, defaulting parkUnmatchedFor to 24 h", () => {
    const r = parseConfig({ ...minimal(), sources: { lims: source } }, env);
    expect(r.ok && r.config.sources?.lims).toMatchObject({
      correlationKey: "data.id",
      parkUnmatchedFor: 86_400_000,
    });
  });

  it("names a JSONata expression that does not compile by its source and field", () => {
    const r = parseConfig({ ...minimal(), sources: { lims: { ...source, status: "type = " } } }, env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContainEqual(
        expect.objectContaining({
          path: "sources.lims.status",
          message: expect.stringMatching(/^JSONata does not compile/),
        }),
      );
    }
  });

  it("refuses an unsigned source unless allowUnsigned is set, and a bad source name", () => {
    const r = parseConfig(
      { ...minimal(), sources: { "bad name": source, open: { ...source, verify: { scheme: "none" } } } },
      env,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.problems.map((p) => p.path);
      expect(paths.some((p) => p.startsWith("sources.open.verify"))).toBe(true);
      expect(paths.some((p) => p.startsWith("sources"))).toBe(true);
    }
  });
});
